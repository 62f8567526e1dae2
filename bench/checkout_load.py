"""Sustained checkout load: paid checkouts per second, latency per call, CPU per order.

A lean load generator (asyncio + httpx, no framework) split over several processes so it
is never the bottleneck; it measures its own CPU and reports its share of the machine.

Shapes: `hot` (every buyer the same sku) and `spread` (each checkout a random sku of
1,000). Each buyer is its own client to the shop: connections from its own loopback
address (127.x.y.z; all of 127/8 is loopback on Linux), so the per-address limits see
fifty shoppers and stay on. The per-account limit (CHECKOUT_MAX_PER_USER per window) stays
on too: a buyer is a queue of customers, each doing at most --checkouts-per-account
checkouts before the next customer takes the seat, as in a real shop where fifty seats of
traffic are thousands of people.

Optionally, logins run alongside at a fixed offered rate (open loop) from their own
addresses, to see what password hashing does to checkout latency.

CPU: every process of the shop (the three services, localstripe, the PostgreSQL backends
of the three databases) is read from /proc before the phase and after its outboxes have
drained, so the figure includes the events and e-mails each order causes.

    uv run --frozen python bench/checkout_load.py --shape spread --seconds 60 [--json]
    uv run --frozen python bench/checkout_load.py --shape hot --logins-per-second 20

URLs and database URLs come from the environment (scripts/stack.py run sets them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import random
import resource
import ssl
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from procstat import CpuMeter, machine_cpu_ms, pids_serving
from pyspy import Profilers

IDENTITY = os.environ.get("IDENTITY_URL", "")
CATALOG = os.environ.get("CATALOG_URL", "")
PASSWORD = "Load@12345"
ADDRESS = {
    "full_name": "Load Buyer",
    "line1": "500 Howard St",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94105",
    "country": "US",
    "kind": "shipping",
    "is_default": True,
}
SPREAD_SKUS = 1000
STOCK_PER_SKU = 1_000_000


def loopback(block: int, n: int) -> str:
    """The n-th source address of a block: 127.<block>.x.y (never 127.0.0.1)."""
    return f"127.{block}.{n // 250 % 250}.{n % 250 + 1}"


# One TLS context for every client: httpx builds one per client otherwise (loading the CA
# bundle), which for hundreds of clients on a busy machine takes longer than a phase.
_TLS = ssl.create_default_context()


def client(source: str | None, connections: int = 2) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    if source is None or urlsplit(IDENTITY).hostname not in ("127.0.0.1", "localhost"):
        return httpx.AsyncClient(timeout=120, limits=limits, verify=_TLS)
    transport = httpx.AsyncHTTPTransport(local_address=source, limits=limits, verify=_TLS)
    return httpx.AsyncClient(timeout=120, transport=transport, verify=_TLS)


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# --- setup (in the parent) ------------------------------------------------------------------
async def admin_headers(http: httpx.AsyncClient) -> dict[str, str]:
    login = await http.post(
        f"{IDENTITY}/auth/login", json={"email": "admin@example.com", "password": "Admin@123"}
    )
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def sellable_skus(count: int, offset: int = 0) -> list[str]:
    """Active USD variants of active products, read from the catalog's database."""
    import psycopg

    url = os.environ["CATALOG_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id"
            " WHERE v.active AND p.status = 'active' AND v.currency = 'USD'"
            " ORDER BY v.sku OFFSET %s LIMIT %s",
            (offset, count),
        ).fetchall()
    if len(rows) < count:
        raise RuntimeError(f"only {len(rows)} sellable skus in the catalog, {count} wanted")
    return [sku for (sku,) in rows]


async def stock_up(http: httpx.AsyncClient, admin: dict[str, str], skus: list[str]) -> None:
    gate = asyncio.Semaphore(8)

    async def one(sku: str) -> None:
        async with gate:
            response = await http.put(
                f"{CATALOG}/admin/inventory/{sku}", json={"on_hand": STOCK_PER_SKU}, headers=admin
            )
            response.raise_for_status()

    await asyncio.gather(*(one(s) for s in skus))


def stock_levels(skus: list[str]) -> dict[str, tuple[int, int]]:
    """On hand and reserved per sku, read from the catalog's database in one statement
    (a thousand GET /inventory calls would be a load of their own)."""
    import psycopg

    url = os.environ["CATALOG_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT sku, on_hand, reserved FROM inventory WHERE sku = ANY(%s)", (skus,)
        ).fetchall()
    return {sku: (on_hand, reserved) for sku, on_hand, reserved in rows}


PAID_OR_LATER = ("paid", "processing", "shipped", "delivered", "refunded")


def units_sold(email_prefixes: list[str], since: float) -> tuple[int, int]:
    """Orders and units paid by the phase's customers since `since`, from identity's
    database: a confirm answered 503 may still be paid (by the webhook), so the answers
    the load saw are not the whole story; the stock drop must equal these units."""
    import psycopg

    url = os.environ["IDENTITY_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(DISTINCT o.id), coalesce(sum(i.quantity), 0) FROM orders o"
            " JOIN users u ON u.id = o.user_id JOIN order_items i ON i.order_id = o.id"
            " WHERE u.email LIKE ANY(%s) AND o.status = ANY(%s)"
            " AND o.created_at >= to_timestamp(%s)",
            ([f"{p}%" for p in email_prefixes], list(PAID_OR_LATER), since),
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


@dataclass
class Account:
    email: str
    token: str
    address_id: str


async def post_patiently(
    http: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    """Setup requests: wait out a full hashing queue (503 + Retry-After) and a keep-alive
    connection the server closed just as it was reused."""
    for attempt in range(30):
        try:
            response = await http.post(url, json=body, headers=headers)
        except httpx.TransportError:
            await asyncio.sleep(0.5)
            continue
        if response.status_code != 503:
            return response
        await asyncio.sleep(1 + attempt * 0.2)
    raise RuntimeError(f"{url} kept failing")


async def open_account(source: str | None, prefix: str, with_address: bool = True) -> Account:
    """Sign up, log in and add an address, from the buyer's own address."""
    email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
    async with client(source) as http:
        signup = await post_patiently(
            http,
            f"{IDENTITY}/auth/signup",
            {"email": email, "password": PASSWORD, "first_name": "L", "last_name": "B"},
        )
        if signup.status_code != 201:
            raise RuntimeError(f"sign-up answered {signup.status_code}: {signup.text[:200]}")
        login = await post_patiently(
            http, f"{IDENTITY}/auth/login", {"email": email, "password": PASSWORD}
        )
        if login.status_code != 200:
            raise RuntimeError(f"login answered {login.status_code}: {login.text[:200]}")
        token = login.json()["access_token"]
        address_id = ""
        if with_address:
            address = await post_patiently(
                http, f"{IDENTITY}/addresses", ADDRESS, {"Authorization": f"Bearer {token}"}
            )
            address.raise_for_status()
            address_id = address.json()["id"]
    return Account(email, token, address_id)


async def open_accounts(sources: list[str], per_source: int, prefix: str) -> list[list[Account]]:
    """`per_source` accounts for each source address (at most 8 sign-ups at once: each
    costs a password hash, and the shop queues only so many)."""
    gate = asyncio.Semaphore(8)

    async def one(source: str) -> Account:
        async with gate:
            return await open_account(source, prefix)

    flat = await asyncio.gather(*(one(s) for s in sources for _ in range(per_source)))
    return [list(flat[i * per_source : (i + 1) * per_source]) for i in range(len(sources))]


async def warm_up(account: Account, skus: list[str], checkouts: int = 4) -> None:
    """A few checkouts before the measured window, so that no process's first-use work
    (lazy imports, caches, connections) is counted as the cost of an order."""
    calls: list[tuple[str, float, int]] = []
    body = {"shipping_address_id": account.address_id, "billing_address_id": account.address_id}
    async with client(None) as http:
        for n in range(checkouts):
            auth = {"Authorization": f"Bearer {account.token}"}
            await checkout_once(http, auth, body, skus[n % len(skus)], calls)


# --- the load (in worker processes) ---------------------------------------------------------
def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def buyer_loop(
    source: str,
    accounts: list[dict[str, str]],
    skus: list[str],
    deadline: float,
    per_account: int,
    calls: list[tuple[str, float, int]],
) -> int:
    """Checkouts until the deadline; returns how many customers it ran out of (0 or 1)."""
    rng = random.Random()
    async with client(source) as http:
        for account in accounts:
            auth = {"Authorization": f"Bearer {account['token']}"}
            checkout_body = {
                "shipping_address_id": account["address_id"],
                "billing_address_id": account["address_id"],
            }
            for _ in range(per_account):
                if time.time() >= deadline:
                    return 0
                sku = skus[0] if len(skus) == 1 else rng.choice(skus)
                try:
                    await checkout_once(http, auth, checkout_body, sku, calls)
                except CustomerDone:
                    break
    return 1 if time.time() < deadline else 0


class CustomerDone(Exception):
    """The customer's checkout quota is spent (429): the next one takes the seat."""


async def checkout_once(
    http: httpx.AsyncClient,
    auth: dict[str, str],
    checkout_body: dict[str, str],
    sku: str,
    calls: list[tuple[str, float, int]],
) -> None:
    """Add to cart, create, confirm; each call's duration and status (0: no answer)."""
    order_id = ""
    steps: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
        ("cart", "/cart/items", {"sku": sku, "quantity": 1}, auth),
        (
            "create",
            "/checkout/create-payment-intent",
            checkout_body,
            {**auth, "Idempotency-Key": uuid.uuid4().hex},
        ),
        ("confirm", "/checkout/confirm", {"payment_method_id": "pm_card_visa"}, auth),
    ]
    for name, path, body, headers in steps:
        if name == "confirm":
            body = {**body, "order_id": order_id}
        started = time.perf_counter()
        try:
            response = await http.post(f"{IDENTITY}{path}", json=body, headers=headers)
        except httpx.TransportError:
            calls.append((name, time.perf_counter() - started, 0))
            return
        calls.append((name, time.perf_counter() - started, response.status_code))
        if name == "create" and response.status_code == 429:
            raise CustomerDone
        if response.status_code >= 300:
            return
        if name == "create":
            order_id = response.json()["order_id"]


async def login_loop(
    accounts: list[dict[str, str]], rate: float, deadline: float, block: int
) -> dict[str, Any]:
    """Open loop: one login every 1/rate s, each from the next of 200 addresses, at most
    64 in flight (past that the offered login is counted as not sent)."""
    sources = [loopback(block, n) for n in range(200)]
    clients = [client(s, connections=8) for s in sources]
    latencies: list[float] = []
    statuses: list[int] = []
    in_flight = 0
    not_sent = 0

    async def one(n: int) -> None:
        nonlocal in_flight
        account = accounts[n % len(accounts)]
        started = time.perf_counter()
        try:
            response = await clients[n % len(clients)].post(
                f"{IDENTITY}/auth/login", json={"email": account["email"], "password": PASSWORD}
            )
            statuses.append(response.status_code)
            latencies.append(time.perf_counter() - started)
        except httpx.HTTPError:
            statuses.append(0)
        finally:
            in_flight -= 1

    tasks = []
    n = 0
    start = time.time()
    while time.time() < deadline:
        if in_flight >= 64:
            not_sent += 1
        else:
            in_flight += 1
            tasks.append(asyncio.create_task(one(n)))
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - time.time()))
    await asyncio.gather(*tasks)
    for c in clients:
        await c.aclose()
    return {
        "offered": n,
        "not_sent": not_sent,
        "ok": statuses.count(200),
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0,
        "p95_ms": round(pct(latencies, 0.95) * 1000, 1),
    }


def worker(job: dict[str, Any]) -> dict[str, Any]:
    """One process of the load generator: its buyers (or the logins) until the deadline."""
    global IDENTITY, CATALOG
    IDENTITY, CATALOG = job["identity"], job["catalog"]

    async def run() -> dict[str, Any]:
        await asyncio.sleep(max(0.0, job["start"] - time.time()))
        cpu_before = cpu_seconds()
        if "logins" in job:
            logins = await login_loop(
                job["logins"]["accounts"], job["logins"]["rate"], job["deadline"], job["block"]
            )
            return {"logins": logins, "cpu_s": cpu_seconds() - cpu_before}
        calls: list[tuple[str, float, int]] = []
        exhausted = await asyncio.gather(
            *(
                buyer_loop(
                    b["source"],
                    b["accounts"],
                    job["skus"],
                    job["deadline"],
                    job["per_account"],
                    calls,
                )
                for b in job["buyers"]
            )
        )
        return {"calls": calls, "exhausted": sum(exhausted), "cpu_s": cpu_seconds() - cpu_before}

    return asyncio.run(run())


def _run_job(job: dict[str, Any], out: Any) -> None:
    out.put((job["index"], worker(job)))


def run_jobs(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One process per job, all at once (a pool could hand two jobs to one process, and
    the second would start after the deadline)."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    processes = [
        context.Process(target=_run_job, args=({**job, "index": n}, out))
        for n, job in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    results = dict(out.get() for _ in processes)
    for process in processes:
        process.join()
    return [results[n] for n in range(len(jobs))]


# --- a phase --------------------------------------------------------------------------------
SERVICE_NAMES = ("identity-commerce", "catalog-fulfillment", "notifications", "localstripe")


def ports() -> list[int]:
    names = ("IDENTITY_URL", "CATALOG_URL", "NOTIFICATIONS_URL", "STRIPE_URL")
    return [urlsplit(os.environ[n]).port or 80 for n in names]


def databases() -> list[str]:
    names = ("IDENTITY_DATABASE_URL", "CATALOG_DATABASE_URL", "NOTIFICATIONS_DATABASE_URL")
    return [os.environ[n] for n in names if os.environ.get(n)]


async def outboxes_drained(http: httpx.AsyncClient, admin: dict[str, str]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = 0
        for base in (IDENTITY, CATALOG):
            page = await http.get(
                f"{base}/admin/outbox", params={"status": "pending", "limit": 1}, headers=admin
            )
            pending += page.json()["total"]
        if not pending:
            return True
        await asyncio.sleep(0.5)
    return False


async def phase(
    *,
    shape: str,
    buyers: int,
    seconds: float,
    processes: int,
    per_account: int,
    rate_per_buyer: float,
    logins_per_second: float,
    block: int,
    profile_out: str | None = None,
) -> dict[str, Any]:
    """Set up, run and measure one phase; `block` picks its loopback addresses; with
    `profile_out`, py-spy samples every shop process while the load runs (not the setup)."""
    async with client(None, connections=16) as http:
        admin = await admin_headers(http)
        skus = sellable_skus(SPREAD_SKUS if shape == "spread" else 1, offset=block * 7)
        await stock_up(http, admin, skus)
        before_stock = stock_levels(skus)
        phase_started = time.time()
        # enough customers per seat for the fastest rate we hope to see, within the
        # per-address sign-up limit (10 per window by default)
        per_seat = max(1, min(10, math.ceil(seconds * rate_per_buyer / per_account)))
        sources = [loopback(block, n) for n in range(buyers)]
        setup_started = time.monotonic()
        seats = await open_accounts(sources, per_seat, f"load{block}")
        login_accounts: list[Account] = []
        if logins_per_second:
            login_accounts = [
                await open_account(loopback(block + 1, 250 + n), f"login{block}", False)
                for n in range(10)
            ]
        await warm_up(await open_account(loopback(block + 1, 240), f"warm{block}"), skus)
        setup_seconds = time.monotonic() - setup_started

        start = time.time() + 2  # every worker starts its clock at the same instant
        deadline = start + seconds
        base = {"identity": IDENTITY, "catalog": CATALOG, "start": start, "deadline": deadline}
        jobs = []
        for p in range(processes):
            mine = list(range(p, buyers, processes))
            jobs.append(
                {
                    **base,
                    "skus": skus,
                    "per_account": per_account,
                    "buyers": [
                        {"source": sources[i], "accounts": [vars(a) for a in seats[i]]}
                        for i in mine
                    ],
                }
            )
        if logins_per_second:
            jobs.append(
                {
                    **base,
                    "block": block + 1,
                    "logins": {
                        "accounts": [vars(a) for a in login_accounts],
                        "rate": logins_per_second,
                    },
                }
            )
        meter = CpuMeter(ports(), databases())
        profilers = [
            Profilers(pids_serving(port), Path(profile_out) / name, 100)
            for name, port in zip(SERVICE_NAMES, ports(), strict=False)
            if profile_out
        ]
        shop_before = meter.snapshot()
        machine_before = machine_cpu_ms()
        load_before = os.getloadavg()
        results = await asyncio.get_running_loop().run_in_executor(None, run_jobs, jobs)
        wall = time.time() - start  # from the common start to the last worker's end
        load_after = os.getloadavg()
        for profiler in profilers:
            profiler.stop()
        machine_during = machine_cpu_ms() - machine_before
        admin = await admin_headers(http)  # a long phase can outlive the first token
        drained = await outboxes_drained(http, admin)
        shop_after = meter.snapshot()
        after_stock = stock_levels(skus)
        orders_paid, units_paid = units_sold([f"load{block}-", f"warm{block}-"], phase_started)
        # the orders of the measured window (not the warm-up): the CPU was read around them
        paid_in_window, _ = units_sold([f"load{block}-"], phase_started)

    calls = [c for r in results if "calls" in r for c in r["calls"]]
    generator_cpu_s = sum(r["cpu_s"] for r in results)
    paid = sum(1 for name, _, status in calls if name == "confirm" and status == 200)
    checkout_calls = [d for name, d, _ in calls if name in ("create", "confirm")]
    cpu = meter.spent(shop_before, shop_after)
    by_port = meter.spent_by_port(shop_before, shop_after)
    cores = os.cpu_count() or 1
    statuses: dict[str, int] = {}
    for name, _, status in calls:
        statuses[f"{name} {status}"] = statuses.get(f"{name} {status}", 0) + 1
    logins = next((r["logins"] for r in results if "logins" in r), None)
    return {
        "shape": shape,
        "buyers": buyers,
        "skus": len(skus),
        "seconds": seconds,
        "processes": processes,
        "customers_per_seat": per_seat,
        "checkouts_per_customer": per_account,
        "seats_out_of_customers": sum(r.get("exhausted", 0) for r in results),
        "setup_seconds": round(setup_seconds, 1),
        "checkouts": sum(1 for name, _, _ in calls if name == "create"),
        "paid": paid,
        "paid_per_second": round(paid / seconds, 2),
        "statuses": statuses,
        "server_errors": sum(1 for _, _, status in calls if status >= 500),
        "no_answer": sum(1 for _, _, status in calls if status == 0),
        "p50_call_ms": round(statistics.median(checkout_calls) * 1000, 1) if calls else 0,
        "p95_call_ms": round(pct(checkout_calls, 0.95) * 1000, 1),
        "p99_call_ms": round(pct(checkout_calls, 0.99) * 1000, 1),
        "p95_create_ms": round(pct([d for n, d, _ in calls if n == "create"], 0.95) * 1000, 1),
        "p95_confirm_ms": round(pct([d for n, d, _ in calls if n == "confirm"], 0.95) * 1000, 1),
        "p95_cart_ms": round(pct([d for n, d, _ in calls if n == "cart"], 0.95) * 1000, 1),
        "orders_paid_in_database": orders_paid,
        "units_paid_in_database": units_paid,
        "stock_drop": sum(before_stock[s][0] - after_stock[s][0] for s in skus),
        "reserved_after": sum(after_stock[s][1] for s in skus),
        "outboxes_drained": drained,
        "shop_cpu_ms": round(cpu["total_ms"], 1),
        "paid_in_window_in_database": paid_in_window,
        **cpu_per_paid(cpu, by_port, paid_in_window),
        "generator_cpu_s": round(generator_cpu_s, 2),
        "generator_share_of_machine": round(generator_cpu_s / (wall * cores), 3),
        "machine_busy_share": round(machine_during / 1000 / (wall * cores), 3),
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "logins": logins,
    }


def cpu_per_paid(cpu: dict[str, float], by_port: dict[int, float], paid: int) -> dict[str, Any]:
    """CPU per paid order: every paid order of the window, also those whose confirm was
    answered 503 and that the webhook settled (their CPU is in the figure too)."""
    if not paid:
        return {"shop_cpu_ms_per_paid": None}
    return {
        "shop_cpu_ms_per_paid": round(cpu["total_ms"] / paid, 2),
        "service_cpu_ms_per_paid": round(cpu["service_ms"] / paid, 2),
        "database_cpu_ms_per_paid": round(cpu["database_ms"] / paid, 2),
        "cpu_ms_per_paid_by_port": {str(port): round(ms / paid, 2) for port, ms in by_port.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shape", choices=["hot", "spread"], default="hot")
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument(
        "--checkouts-per-account",
        type=int,
        default=25,
        help="customers take turns on a seat (CHECKOUT_MAX_PER_USER is 30 per window)",
    )
    parser.add_argument(
        "--rate-per-buyer",
        type=float,
        default=1.6,
        help="checkouts/s one seat might reach: sizes the customers per seat",
    )
    parser.add_argument("--logins-per-second", type=float, default=0)
    parser.add_argument("--block", type=int, default=10, help="loopback block 127.<block>.*")
    parser.add_argument("--profile-out", help="py-spy every shop process into this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(
        phase(
            shape=args.shape,
            buyers=args.buyers,
            seconds=args.seconds,
            processes=args.processes,
            per_account=args.checkouts_per_account,
            rate_per_buyer=args.rate_per_buyer,
            logins_per_second=args.logins_per_second,
            block=args.block,
            profile_out=args.profile_out,
        )
    )
    json.dump(result, sys.stdout, indent=None if args.json else 2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
