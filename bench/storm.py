"""Checkout storm and sustained checkouts, then the invariants.

Against the running stack:
- storm: STORM_BUYERS buyers, STORM_STOCK units of one sku (fewer than buyers): exactly
  STORM_STOCK must pay, the rest get a clean 409, and nothing is oversold;
- sustained (bench/checkout_load.py): BENCH_CHECKOUT_BUYERS buyers checking out for
  BENCH_CHECKOUT_SECONDS each on a hot sku, on 1,000 skus, and on 1,000 skus with
  BENCH_LOGINS_PER_SECOND logins alongside (BENCH_CHECKOUT_PHASES=hot,spread picks some);
  paid checkouts per second, latency per call, CPU per paid order over every process;
- every event delivered: outboxes drained, one ORDER_PAID e-mail per paid order.
Prints one JSON document on stdout.

The shop's limits stay on: every buyer is a different machine to it, its connections
coming from its own loopback address (127.1.x.y; all of 127/8 is loopback on Linux), so
the per-address limits on sign-ups, logins and checkouts see fifty shoppers, not one.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import checkout_load
import httpx

IDENTITY = os.environ["IDENTITY_URL"]
CATALOG = os.environ["CATALOG_URL"]
NOTIFICATIONS = os.environ["NOTIFICATIONS_URL"]
BENCH_RECIPIENTS = ("storm-", "load", "warm")
ADDRESS = {
    "full_name": "Storm Buyer",
    "line1": "500 Howard St",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94105",
    "country": "US",
    "kind": "shipping",
    "is_default": True,
}


_next_address = count()


def next_address() -> str | None:
    """The next shopper's own loopback source address when the shop listens on loopback
    (elsewhere the machine's own address is all there is)."""
    if urlsplit(IDENTITY).hostname not in ("127.0.0.1", "localhost"):
        return None
    n = next(_next_address)
    return f"127.1.{n // 250 % 250}.{n % 250 + 1}"


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# Sign-ups and logins cost a password hash each: a few at a time, as the shop queues them.
_signing_up = asyncio.Semaphore(8)


class Buyer:
    def __init__(self) -> None:
        self.source = next_address()
        self.http = checkout_load.client(self.source, connections=4)
        self.headers: dict[str, str] = {}
        self.address_id = ""

    async def close(self) -> None:
        await self.http.aclose()

    async def sign_up(self) -> None:
        async with _signing_up:
            account = await checkout_load.open_account(self.source, "storm")
        self.headers = {"Authorization": f"Bearer {account.token}"}
        self.address_id = account.address_id

    async def fill_cart(self, sku: str) -> None:
        response = await self.http.post(
            f"{IDENTITY}/cart/items", json={"sku": sku, "quantity": 1}, headers=self.headers
        )
        response.raise_for_status()

    async def checkout(self, timings: list[float]) -> int:
        """Create the payment intent and confirm it; returns the final status code."""
        started = time.perf_counter()
        created = await self.http.post(
            f"{IDENTITY}/checkout/create-payment-intent",
            json={"shipping_address_id": self.address_id, "billing_address_id": self.address_id},
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        timings.append(time.perf_counter() - started)
        if created.status_code != 201:
            return created.status_code
        started = time.perf_counter()
        confirmed = await self.http.post(
            f"{IDENTITY}/checkout/confirm",
            json={"order_id": created.json()["order_id"], "payment_method_id": "pm_card_visa"},
            headers=self.headers,
        )
        timings.append(time.perf_counter() - started)
        return confirmed.status_code


async def admin_headers(http: httpx.AsyncClient) -> dict[str, str]:
    login = await http.post(
        f"{IDENTITY}/auth/login", json={"email": "admin@example.com", "password": "Admin@123"}
    )
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def pick_skus(http: httpx.AsyncClient, count: int) -> list[str]:
    products = (await http.get(f"{CATALOG}/catalog/products", params={"page_size": 20})).json()
    skus: list[str] = []
    for item in products["items"]:
        detail = (await http.get(f"{CATALOG}/catalog/products/{item['id']}")).json()
        skus.extend(v["sku"] for v in detail["variants"])
        if len(skus) >= count:
            return skus[:count]
    raise RuntimeError("not enough skus in the catalog")


async def inventory(http: httpx.AsyncClient, sku: str, admin: dict[str, str]) -> dict[str, Any]:
    return (await http.get(f"{CATALOG}/inventory/{sku}", headers=admin)).json()


async def storm(
    http: httpx.AsyncClient, admin: dict[str, str], sku: str, buyers: int, stock: int
) -> dict[str, Any]:
    await http.put(f"{CATALOG}/admin/inventory/{sku}", json={"on_hand": stock}, headers=admin)
    before = await inventory(http, sku, admin)
    people = [Buyer() for _ in range(buyers)]
    await asyncio.gather(*(b.sign_up() for b in people))
    await asyncio.gather(*(b.fill_cart(sku) for b in people))
    timings: list[float] = []
    started = time.perf_counter()
    statuses = await asyncio.gather(*(b.checkout(timings) for b in people))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(b.close() for b in people))
    after = await inventory(http, sku, admin)
    paid = statuses.count(200)
    return {
        "buyers": buyers,
        "stock": stock,
        "paid": paid,
        "conflicts": statuses.count(409),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "other": sorted({s for s in statuses if s not in (200, 409) and s < 500}),
        "seconds": round(elapsed, 3),
        "before": before,
        "after": after,
        "oversold": max(0, paid - stock),
        "stock_drop": before["on_hand"] - after["on_hand"],
        "p95_call_ms": round(pct(timings, 0.95) * 1000, 1),
    }


async def sent_paid_emails(http: httpx.AsyncClient, admin: dict[str, str]) -> list[dict[str, Any]]:
    """Every ORDER_PAID email notifications sent to a bench buyer, across all pages."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        body = (
            await http.get(
                f"{NOTIFICATIONS}/notifications",
                params={"type": "ORDER_PAID", "channel": "email", "page": page, "page_size": 100},
                headers=admin,
            )
        ).json()
        found += [m for m in body["items"] if str(m["recipient"]).startswith(BENCH_RECIPIENTS)]
        if page * body["page_size"] >= body["total"]:
            return found
        page += 1


async def delivered_events(
    http: httpx.AsyncClient, admin: dict[str, str], paid: int
) -> dict[str, Any]:
    """Wait for the outboxes to drain, then check one ORDER_PAID email per paid order."""
    deadline = time.monotonic() + 60
    pending: dict[str, int] = {}
    while time.monotonic() < deadline:
        pending = {}
        for name, base in (("identity-commerce", IDENTITY), ("catalog-fulfillment", CATALOG)):
            page = await http.get(
                f"{base}/admin/outbox", params={"status": "pending", "limit": 1}, headers=admin
            )
            pending[name] = page.json()["total"]
        if not any(pending.values()):
            break
        await asyncio.sleep(1)
    failed = {}
    for name, base in (("identity-commerce", IDENTITY), ("catalog-fulfillment", CATALOG)):
        page = await http.get(
            f"{base}/admin/outbox", params={"status": "failed", "limit": 1}, headers=admin
        )
        failed[name] = page.json()["total"]
    emails = await sent_paid_emails(http, admin)
    per_event: dict[str, int] = {}
    for message in emails:
        per_event[message["event_id"]] = per_event.get(message["event_id"], 0) + 1
    return {
        "pending_after_drain": pending,
        "failed": failed,
        "paid_orders": paid,
        "order_paid_events_delivered": len(per_event),
        "events_sent_more_than_once": sum(1 for n in per_event.values() if n > 1),
    }


def checkout_phases() -> list[dict[str, Any]]:
    """The sustained phases: each shape alone, then the spread shape with logins alongside
    (compared with the spread shape alone)."""
    seconds = float(os.environ.get("BENCH_CHECKOUT_SECONDS", "60"))
    common = {
        "buyers": int(os.environ.get("BENCH_CHECKOUT_BUYERS", "50")),
        "seconds": seconds,
        "processes": int(os.environ.get("BENCH_LOAD_PROCESSES", "2")),
        "per_account": int(os.environ.get("BENCH_CHECKOUTS_PER_ACCOUNT", "25")),
        "rate_per_buyer": float(os.environ.get("BENCH_RATE_PER_BUYER", "1.6")),
    }
    logins = float(os.environ.get("BENCH_LOGINS_PER_SECOND", "20"))
    return [
        {"name": "hot", "shape": "hot", "logins_per_second": 0, "block": 20, **common},
        {"name": "spread", "shape": "spread", "logins_per_second": 0, "block": 30, **common},
        {
            "name": "spread_with_logins",
            "shape": "spread",
            "logins_per_second": logins,
            "block": 40,
            **common,
        },
    ]


async def main() -> None:
    buyers = int(os.environ.get("STORM_BUYERS", "50"))
    stock = int(os.environ.get("STORM_STOCK", "30"))
    only = set(filter(None, os.environ.get("BENCH_CHECKOUT_PHASES", "").split(",")))
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    result: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        admin = await admin_headers(http)
        paid = 0
        if os.environ.get("BENCH_CHECKOUT_STORM", "1") != "0":  # 0: only the sustained phases
            (storm_sku,) = await pick_skus(http, 1)
            result["storm"] = await storm(http, admin, storm_sku, buyers, stock)
            paid = result["storm"]["paid"]
        for config in checkout_phases():
            name = config.pop("name")
            if only and name not in only:
                continue
            log(f"checkout phase {name}: {config['seconds']:.0f} s, {config['buyers']} buyers")
            result[name] = await checkout_load.phase(**config)
            paid += result[name]["orders_paid_in_database"]
            log(json.dumps(result[name]))  # kept in the log should a later step fail
        admin = await admin_headers(http)  # the first token may have expired by now
        result["events"] = await delivered_events(http, admin, paid)
    json.dump(result, sys.stdout)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
