"""Checkout storm: many buyers paying for one sku at once, then the invariants.

Two phases against the running stack:
- storm: BUYERS buyers, STOCK units of one sku (fewer than buyers): exactly STOCK must pay,
  the rest get a clean 409, and nothing is oversold;
- sustained: BUYERS buyers checking out repeatedly for SECONDS on a sku with ample stock,
  which gives paid checkouts per second and the latency of each checkout call.
Prints one JSON document on stdout.

The shop's limits stay on: every buyer is a different machine to it, its connections
coming from its own loopback address (127.1.x.y; all of 127/8 is loopback on Linux), so
the per-address limits on sign-ups, logins and checkouts see fifty shoppers, not one.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import httpx

IDENTITY = os.environ["IDENTITY_URL"]
CATALOG = os.environ["CATALOG_URL"]
NOTIFICATIONS = os.environ["NOTIFICATIONS_URL"]
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


def buyer_client() -> httpx.AsyncClient:
    """A client for one simulated shopper: its own loopback source address when the shop
    listens on loopback (elsewhere the machine's own address is all there is)."""
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    if urlsplit(IDENTITY).hostname not in ("127.0.0.1", "localhost"):
        return httpx.AsyncClient(timeout=60, limits=limits)
    n = next(_next_address)
    address = f"127.1.{n // 250 % 250}.{n % 250 + 1}"
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=limits)
    return httpx.AsyncClient(timeout=60, transport=transport)


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Buyer:
    def __init__(self) -> None:
        self.http = buyer_client()
        self.headers: dict[str, str] = {}
        self.address_id = ""

    async def close(self) -> None:
        await self.http.aclose()

    async def sign_up(self) -> None:
        email = f"storm-{uuid.uuid4().hex[:12]}@example.com"
        await self.http.post(
            f"{IDENTITY}/auth/signup",
            json={"email": email, "password": "Storm@12345", "first_name": "S", "last_name": "B"},
        )
        login = await self.http.post(
            f"{IDENTITY}/auth/login", json={"email": email, "password": "Storm@12345"}
        )
        if login.status_code != 200:
            raise RuntimeError(f"login answered {login.status_code}: {login.text[:200]}")
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        address = await self.http.post(f"{IDENTITY}/addresses", json=ADDRESS, headers=self.headers)
        self.address_id = address.json()["id"]

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


async def sustained(
    http: httpx.AsyncClient, admin: dict[str, str], sku: str, buyers: int, seconds: float
) -> dict[str, Any]:
    await http.put(f"{CATALOG}/admin/inventory/{sku}", json={"on_hand": 100_000}, headers=admin)
    before = await inventory(http, sku, admin)
    people = [Buyer() for _ in range(buyers)]
    await asyncio.gather(*(b.sign_up() for b in people))
    timings: list[float] = []
    statuses: list[int] = []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def loop(buyer: Buyer) -> None:
        while time.perf_counter() < deadline:
            await buyer.fill_cart(sku)
            statuses.append(await buyer.checkout(timings))

    await asyncio.gather(*(loop(b) for b in people))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(b.close() for b in people))
    after = await inventory(http, sku, admin)
    paid = statuses.count(200)
    return {
        "buyers": buyers,
        "seconds": round(elapsed, 2),
        "checkouts": len(statuses),
        "paid": paid,
        "paid_per_second": round(paid / elapsed, 2),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "other": sorted({s for s in statuses if s not in (200, 409) and s < 500}),
        "p50_call_ms": round(statistics.median(timings) * 1000, 1) if timings else 0,
        "p95_call_ms": round(pct(timings, 0.95) * 1000, 1),
        "p99_call_ms": round(pct(timings, 0.99) * 1000, 1),
        "stock_drop": before["on_hand"] - after["on_hand"],
        "reserved_after": after["reserved"],
    }


async def sent_paid_emails(http: httpx.AsyncClient, admin: dict[str, str]) -> list[dict[str, Any]]:
    """Every ORDER_PAID email notifications sent to a storm buyer, across all pages."""
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
        found += [m for m in body["items"] if str(m["recipient"]).startswith("storm-")]
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


async def main() -> None:
    buyers = int(os.environ.get("STORM_BUYERS", "50"))
    stock = int(os.environ.get("STORM_STOCK", "30"))
    seconds = float(os.environ.get("SUSTAINED_SECONDS", "30"))
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        admin = await admin_headers(http)
        storm_sku, sustained_sku = await pick_skus(http, 2)
        result = {
            "storm": await storm(http, admin, storm_sku, buyers, stock),
            "sustained": await sustained(http, admin, sustained_sku, buyers, seconds),
        }
        paid = result["storm"]["paid"] + result["sustained"]["paid"]
        result["events"] = await delivered_events(http, admin, paid)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
