"""Replicas that agree: the whole shop as the `scale` profile runs it (`make scale`).

Two uvicorn processes of each service, each on its own port, behind HAProxy in round robin
(scripts/balancer.py), all on the same three databases; the services reach each other
through the balancer too. One stack for the module, started exactly as a developer starts
it (`scripts/stack.py up --profile scale`), on ports and databases of its own:

- both replicas of every service start at the same moment on empty databases: each
  migration is applied by exactly one of them (the other waits on the migration lock or
  finds the work done) and both answer;
- buyers from their own loopback addresses race through the balancer for the last units:
  no oversell, and the invariants of the checkout storm (bench/storm.py) hold;
- a price and a stock level written through one replica are read from the other within a
  second, although its cache would keep them for minutes (NOTIFY catalog_changed);
- the sweepers and outbox relays of both replicas share the rows: every reservation and
  order is expired once, every event reaches notifications once;
- a replica that stops answering is taken out by the readiness checks without a failed
  request, and put back once it answers.
"""

from __future__ import annotations

import ast
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pg
import psycopg
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from shopkit.migrations import MIGRATION_LOCK_KEY
from shopkit.settings import ServiceSettings
from shopkit.testing.tokens import TokenFactory
from shopstack import balancer
from shopstack.profiles import PROFILES, REPO_ROOT
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.whole_shop

PROFILE = PROFILES["scale"]
SERVICES = {  # service: (port key, database URL variable)
    "identity-commerce": ("identity", "IDENTITY_DATABASE_URL"),
    "catalog-fulfillment": ("catalog", "CATALOG_DATABASE_URL"),
    "notifications": ("notifications", "NOTIFICATIONS_DATABASE_URL"),
}
PASSWORD = "correct horse battery"
VISIBLE_WITHIN_SECONDS = 1.0
STACK_ENV = {
    "ENV": "test",  # the cheap password hash: the run hashes dozens of passwords
    "NO_COLOR": "1",
    # long enough that only an invalidation, never expiry, explains a fresh catalog answer
    "LISTING_CACHE_SECONDS": "300",
    # the sweepers and relays pass often, so their sharing shows within seconds
    "OUTBOX_POLL_SECONDS": "0.3",
    "RESERVATION_SWEEP_SECONDS": "0.3",
    "ORDER_EXPIRY_SWEEP_SECONDS": "0.3",
    # six processes share one PostgreSQL (max_connections is 100 by default) with the
    # other tests: at most 5 pooled connections per pool instead of 20 (a request waits
    # for a free one, up to DB_POOL_TIMEOUT_SECONDS)
    "DB_POOL_SIZE": "3",
    "DB_MAX_OVERFLOW": "2",
}


# --------------------------------------------------------------------------- the stack


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _ports(offset: int) -> set[int]:
    ports = {p + offset for p in PROFILE.ports.values()}
    for key, _ in SERVICES.values():
        ports |= set(balancer.replica_ports(PROFILE.ports[key] + offset, PROFILE.replicas))
    return ports


def _free_offset() -> int:
    """An offset under which every port of the profile is free, below the ephemeral range
    and away from the standard profiles' ports (other stacks may run on this machine)."""
    standard = {p for profile in PROFILES.values() for p in profile.ports.values()}
    for _ in range(100):
        offset = random.randrange(1_000, 7_800)
        ports = _ports(offset)
        if ports & standard or max(ports) >= 32_768:
            continue
        if not any(_listening(p) for p in ports):
            return offset
    raise AssertionError("no free port range found")


@dataclass
class ScaleStack:
    offset: int
    prefix: str
    run_dir: Path
    keys_dir: Path
    database_urls: dict[str, str]
    started_in: float
    # per service: replicas seen waiting on the migration lock the test held at start
    lock_waiters: dict[str, int]

    def url(self, key: str) -> str:
        """The balancer's address for a service (what clients and the services use)."""
        return f"http://127.0.0.1:{PROFILE.ports[key] + self.offset}"

    def replica_urls(self, key: str) -> list[str]:
        ports = balancer.replica_ports(PROFILE.ports[key] + self.offset, PROFILE.replicas)
        return [f"http://127.0.0.1:{port}" for port in ports]

    @property
    def stats_url(self) -> str:
        return balancer.stats_url(PROFILE.ports["balancer"] + self.offset)

    def log(self, name: str) -> list[str]:
        return (self.run_dir / "logs" / f"{name}.log").read_text(errors="replace").splitlines()

    def messages(self, name: str) -> list[str]:
        """The `msg` of each JSON log line of a process (plain lines as they are)."""
        found = []
        for line in self.log(name):
            try:
                found.append(str(json.loads(line)["msg"]))
            except (ValueError, KeyError, TypeError):
                found.append(line)
        return found

    def replicas(self, service: str) -> list[str]:
        return [f"{service}-{n}" for n in range(1, PROFILE.replicas + 1)]

    def rows(self, service: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        url = make_url(self.database_urls[SERVICES[service][1]]).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def scale(request: pytest.FixtureRequest) -> Iterator[ScaleStack]:
    offset = _free_offset()
    prefix = f"test_scale_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    name = f"scale-{prefix}"
    run_dir, data_dir = REPO_ROOT / ".run" / name, REPO_ROOT / ".data" / name
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **STACK_ENV,
        "SHOP_STACK_PORT_OFFSET": str(offset),
        "SHOP_STACK_DB_PREFIX": prefix,
    }
    output = run_dir / "stack.out"
    started = time.monotonic()
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "scripts" / "stack.py"), "up", "--profile", "scale"]
            + ["--frontend", "none", "--no-seed"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = pg.discover()
    try:
        lock_waiters = hold_migration_locks(server, prefix, process, output)
        deadline = time.monotonic() + 300
        while "The shop is running." not in output.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "the scale stack did not come up:\n" + output.read_text()[-6000:]
                )
            time.sleep(0.5)
        yield ScaleStack(
            offset=offset,
            prefix=prefix,
            run_dir=run_dir,
            keys_dir=data_dir / "keys",
            database_urls=pg.database_urls(server, prefix),
            started_in=time.monotonic() - started,
            lock_waiters=lock_waiters,
        )
    finally:
        process.send_signal(signal.SIGTERM)  # the launcher stops every replica and HAProxy
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        pg.drop_databases(server, prefix)
        if request.session.testsfailed == 0:
            shutil.rmtree(run_dir, ignore_errors=True)
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"\nscale stack logs kept in {run_dir / 'logs'}")


def hold_migration_locks(
    server: pg.Server, prefix: str, process: subprocess.Popen[bytes], output: Path
) -> dict[str, int]:
    """Take each new database's migration lock before any replica does, and let go only
    once both replicas of its service wait for it: their migrations then provably meet on
    an empty database, instead of one replica happening to start after the other is done.

    The replicas need seconds to start Python and import the app; the databases are
    created just before they start, and this polls for them every 20 ms."""
    holders: dict[str, psycopg.Connection[Any]] = {}
    names = pg.database_names(prefix)
    try:
        deadline = time.monotonic() + 120
        while len(holders) < len(names):
            assert process.poll() is None, "the stack stopped:\n" + output.read_text()[-6000:]
            assert time.monotonic() < deadline, "the databases were not created"
            for service, name in names.items():
                if service in holders:
                    continue
                try:
                    conn = psycopg.connect(server.conninfo(name), autocommit=True)
                except psycopg.OperationalError:
                    continue  # not created yet
                got = conn.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
                assert got.fetchone() == (True,), f"a replica of {service} locked first"
                holders[service] = conn
            time.sleep(0.02)
        waiters: dict[str, int] = {}
        for service, conn in holders.items():

            def waiting(conn: psycopg.Connection[Any] = conn) -> int:
                row = conn.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                    " WHERE l.locktype = 'advisory' AND NOT l.granted"
                    " AND d.datname = current_database()"
                ).fetchone()
                return int(row[0]) if row else 0

            waiters[service] = wait_until(
                lambda: (n := waiting()) >= PROFILE.replicas and n, timeout=180, every=0.1
            )
        return waiters
    finally:
        for conn in holders.values():
            conn.close()  # releases the lock: the replicas migrate, one after the other


# --------------------------------------------------------------------------- clients

_loopback = itertools.count(1)
_LOOPBACK_BLOCK = os.getpid() % 200 + 30


def new_address() -> str:
    """A loopback address no other client of this run used (all of 127/8 is loopback)."""
    n = next(_loopback)
    return f"127.{_LOOPBACK_BLOCK}.{n // 250 % 250}.{n % 250 + 2}"


def client(base_url: str, **kwargs: Any) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=new_address())
    return httpx.Client(base_url=base_url, transport=transport, timeout=30, **kwargs)


def wait_until(check: Callable[[], Any], *, timeout: float, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = check()
    assert value, f"condition not met within {timeout}s (last: {value!r})"
    return value


@dataclass
class Shop:
    """Arranging and reading through the balancer, as an admin and as a service."""

    scale: ScaleStack
    admin: dict[str, str]
    service: dict[str, str]

    def new_product(self, sku: str, price: str, on_hand: int) -> dict[str, Any]:
        with client(self.scale.url("catalog"), headers=self.admin) as api:
            category = api.post("/admin/categories", json={"name": f"Shelf {sku}"})
            assert category.status_code == 201, category.text
            product = api.post(
                "/admin/products",
                json={
                    "name": f"Product {sku}",
                    "category_id": category.json()["id"],
                    "variants": [{"sku": sku, "name": sku, "price": price, "on_hand": on_hand}],
                },
            )
            assert product.status_code == 201, product.text
            return {**product.json(), "category": category.json()}

    def stock(self, sku: str) -> dict[str, int]:
        response = httpx.get(f"{self.scale.url('catalog')}/inventory/{sku}", headers=self.service)
        assert response.status_code == 200, response.text
        return response.json()

    def outbox_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for service in ("identity-commerce", "catalog-fulfillment"):
            rows = self.scale.rows(service, "SELECT status, count(*) FROM outbox GROUP BY status")
            counts[service] = dict(rows)
        return counts


@pytest.fixture(scope="module")
def shop(scale: ScaleStack) -> Shop:
    email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    with client(scale.url("identity")) as api:
        signup = api.post(
            "/auth/signup",
            json={"email": email, "password": PASSWORD, "first_name": "A", "last_name": "D"},
        )
        assert signup.status_code == 201, signup.text
        scale.rows("identity-commerce", "UPDATE users SET role = 'admin' WHERE email = %s", email)
        login = api.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
    defaults = ServiceSettings()
    tokens = TokenFactory(
        scale.keys_dir, issuer=defaults.jwt_issuer, audience=defaults.jwt_audience
    )
    return Shop(
        scale=scale,
        admin={"Authorization": f"Bearer {login.json()['access_token']}"},
        service={"Authorization": f"Bearer {tokens.service('identity-commerce')}"},
    )


# --------------------------------------------------------------------------- (a) start


def test_both_replicas_of_each_service_start_together_on_empty_databases(
    scale: ScaleStack,
) -> None:
    print(f"\nscale stack up in {scale.started_in:.1f}s (6 replicas, HAProxy, localstripe)")
    for service, (key, _) in SERVICES.items():
        config = Config(str(REPO_ROOT / "services" / service / "alembic.ini"))
        script = ScriptDirectory.from_config(config)
        revisions = {r.revision for r in script.walk_revisions()}
        applied: Counter[str] = Counter()
        waited = []
        assert scale.lock_waiters[service] == PROFILE.replicas  # both met an empty database
        for replica in scale.replicas(service):
            lines = scale.log(replica)
            for line in lines:
                found = re.search(r"Running upgrade (\S*) -> (\S+),", line)
                if found:
                    applied[found.group(2)] += 1
            if any("another process is migrating this database" in line for line in lines):
                waited.append(replica)
        # From nothing (the first migration ran here) to head, each migration exactly once.
        assert waited == scale.replicas(service)
        assert set(applied) == revisions, f"{service}: applied {sorted(applied)}"
        assert set(applied.values()) == {1}, f"{service}: applied twice: {applied}"
        heads = scale.rows(service, "SELECT version_num FROM alembic_version")
        assert {h for (h,) in heads} == set(script.get_heads())
        for url in scale.replica_urls(key):
            assert httpx.get(f"{url}/health/ready").status_code == 200, url
        print(f"{service}: both replicas waited on the lock, {len(revisions)} migrations once")
    states = balancer.server_states(scale.stats_url)
    assert {k: s.status for k, s in states.items() if k[0] != "stats"} == {
        (service, replica): "UP" for service in SERVICES for replica in scale.replicas(service)
    }


# --------------------------------------------------------------------------- (b) checkout

BUYERS, UNITS = 15, 5


class Buyer:
    """One shopper on a machine of their own (a loopback address of their own)."""

    def __init__(self, identity_url: str) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=new_address())
        self.http = httpx.AsyncClient(base_url=identity_url, transport=transport, timeout=60)
        self.email = f"buyer-{uuid.uuid4().hex[:12]}@example.com"
        self.headers: dict[str, str] = {}
        self.address_id = ""

    async def sign_up_and_fill_cart(self, sku: str) -> None:
        body = {"email": self.email, "password": PASSWORD, "first_name": "B", "last_name": "R"}
        assert (await self.http.post("/auth/signup", json=body)).status_code == 201
        login = await self.http.post(
            "/auth/login", json={"email": self.email, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        address = await self.http.post(
            "/addresses",
            json={
                "kind": "shipping",
                "full_name": "Race Buyer",
                "line1": "1 Main St",
                "city": "Springfield",
                "postal_code": "12345",
                "country": "US",
            },
            headers=self.headers,
        )
        assert address.status_code == 201, address.text
        self.address_id = address.json()["id"]
        line = await self.http.post(
            "/cart/items", json={"sku": sku, "quantity": 1}, headers=self.headers
        )
        assert line.status_code == 201, line.text

    async def create_intent(self) -> httpx.Response:
        return await self.http.post(
            "/checkout/create-payment-intent",
            json={"shipping_address_id": self.address_id, "billing_address_id": self.address_id},
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
        )

    async def checkout(self) -> tuple[int, str | None, str]:
        """(final status, order id, email): create the payment intent, pay with the test card."""
        created = await self.create_intent()
        if created.status_code != 201:
            return created.status_code, None, self.email
        order_id = created.json()["order_id"]
        confirmed = await self.http.post(
            "/checkout/confirm",
            json={"order_id": order_id, "payment_method_id": "pm_card_visa"},
            headers=self.headers,
        )
        return confirmed.status_code, order_id, self.email


def sent_notifications(shop: Shop, event_type: str, recipients: set[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    with client(shop.scale.url("notifications"), headers=shop.admin) as api:
        page = 1
        while True:
            body = api.get(
                "/notifications",
                params={"type": event_type, "channel": "email", "page": page, "page_size": 100},
            ).json()
            found += [m for m in body["items"] if m["recipient"] in recipients]
            if page * body["page_size"] >= body["total"]:
                return found
            page += 1


def served_by(scale: ScaleStack, replica: str, method: str, path: str) -> int:
    """Requests `replica` answered, from its own access log."""
    return sum(1 for m in scale.messages(replica) if m.startswith(f"{method} {path} "))


def test_a_checkout_race_across_replicas_sells_each_unit_once(shop: Shop) -> None:
    scale = shop.scale
    sku = f"RACE-{uuid.uuid4().hex[:8].upper()}"
    shop.new_product(sku, "20.00", UNITS)
    before = shop.stock(sku)

    async def race() -> list[tuple[int, str | None, str]]:
        buyers = [Buyer(scale.url("identity")) for _ in range(BUYERS)]
        try:
            await asyncio.gather(*(b.sign_up_and_fill_cart(sku) for b in buyers))
            return await asyncio.gather(*(b.checkout() for b in buyers))
        finally:
            await asyncio.gather(*(b.http.aclose() for b in buyers))

    outcomes = asyncio.run(race())
    statuses = Counter(status for status, _, _ in outcomes)
    paid_orders = {order for status, order, _ in outcomes if status == 200}
    recipients = {email for status, _, email in outcomes if status == 200}
    assert statuses == {200: UNITS, 409: BUYERS - UNITS}, statuses

    # Stock: the drop is the units sold, nothing is left held.
    after = shop.stock(sku)
    assert before["on_hand"] - after["on_hand"] == UNITS
    assert after["reserved"] == 0
    paid = scale.rows(
        "identity-commerce",
        "SELECT o.id FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE i.sku = %s AND o.status = 'paid'",
        sku,
    )
    assert {str(order_id) for (order_id,) in paid} == paid_orders

    # Outboxes drained, nothing parked; one ORDER_PAID email per paid order.
    wait_until(lambda: all("pending" not in c for c in shop.outbox_counts().values()), timeout=30)
    assert all("failed" not in counts for counts in shop.outbox_counts().values())
    paid_events = scale.rows(
        "identity-commerce",
        "SELECT id FROM outbox WHERE event_type = 'ORDER_PAID' AND aggregate_id = ANY(%s)",
        list(paid_orders),
    )
    assert len(paid_events) == UNITS
    emails = wait_until(
        lambda: len(found := sent_notifications(shop, "ORDER_PAID", recipients)) >= UNITS and found,
        timeout=30,
    )
    assert Counter(m["event_id"] for m in emails) == {str(e): 1 for (e,) in paid_events}

    # The balancer spread the race over both identity replicas (round robin), and they
    # reached the catalog through it too: both catalog replicas took reservations.
    for replica in scale.replicas("identity-commerce"):
        assert served_by(scale, replica, "POST", "/checkout/create-payment-intent") > 0, replica
    for replica in scale.replicas("catalog-fulfillment"):
        assert served_by(scale, replica, "POST", "/inventory/reserve") > 0, replica
    states = balancer.server_states(scale.stats_url)
    assert all(
        states[("identity-commerce", r)].sessions > 0 for r in scale.replicas("identity-commerce")
    )


# --------------------------------------------------------------------------- (c) caches


def seconds_until(read: Callable[[], Any], expected: Any, *, within: float) -> float:
    """Seconds until `read()` returns `expected`; fails if it takes longer than `within`."""
    started = time.monotonic()
    while True:
        value = read()
        elapsed = time.monotonic() - started
        if value == expected:
            return elapsed
        assert elapsed < within, f"still {value!r} after {elapsed:.2f}s, expected {expected!r}"
        time.sleep(0.02)


def test_a_price_and_a_stock_level_written_through_one_replica_are_read_from_the_other(
    shop: Shop,
) -> None:
    writer_url, reader_url = shop.scale.replica_urls("catalog")
    sku = f"CACHE-{uuid.uuid4().hex[:8].upper()}"
    product = shop.new_product(sku, "10.00", 3)
    listing = ("/catalog/products", {"category": product["category"]["slug"]})
    detail = f"/catalog/products/{product['id']}"
    # The reader is staff: only staff and services see exact units.
    with (
        client(writer_url, headers=shop.admin) as writer,
        client(reader_url, headers=shop.admin) as reader,
    ):
        # Asked twice: the reader's cache now holds the listing page and the product.
        for _ in range(2):
            assert reader.get(listing[0], params=listing[1]).json()["items"][0]["price"] == "10.00"
            assert reader.get(detail).json()["variants"][0]["price"] == "10.00"

        def listed_price() -> str:
            return str(reader.get(listing[0], params=listing[1]).json()["items"][0]["price"])

        def detail_variant() -> tuple[str, int]:
            variant = reader.get(detail).json()["variants"][0]
            return variant["price"], variant["available"]

        repriced = writer.put(
            f"/admin/products/{product['id']}",
            json={"variants": [{"sku": sku, "name": sku, "price": "12.50"}]},
        )
        assert repriced.status_code == 200, repriced.text
        price_seen = seconds_until(listed_price, "12.50", within=VISIBLE_WITHIN_SECONDS)
        seconds_until(detail_variant, ("12.50", 3), within=VISIBLE_WITHIN_SECONDS)

        # Sold out and restocked through the writer: the reader's cached in-stock listing
        # follows both (the units on the product page are read on every request).
        in_stock = (listing[0], {**listing[1], "in_stock": "true"})

        def in_stock_total() -> int:
            return int(reader.get(in_stock[0], params=in_stock[1]).json()["total"])

        assert in_stock_total() == 1 and in_stock_total() == 1
        sold_out = writer.put(f"/admin/inventory/{sku}", json={"on_hand": 0})
        assert sold_out.status_code == 200, sold_out.text
        seconds_until(in_stock_total, 0, within=VISIBLE_WITHIN_SECONDS)
        restocked = writer.put(f"/admin/inventory/{sku}", json={"on_hand": 42})
        assert restocked.status_code == 200, restocked.text
        stock_seen = seconds_until(in_stock_total, 1, within=VISIBLE_WITHIN_SECONDS)
        seconds_until(detail_variant, ("12.50", 42), within=VISIBLE_WITHIN_SECONDS)
    print(
        f"\nother replica saw the price after {price_seen:.3f}s, the stock after {stock_seen:.3f}s"
    )
    # Both writes went to the writer only; the reader answered every read.
    assert served_by(shop.scale, "catalog-fulfillment-1", "PUT", f"/admin/products/{product['id']}")
    assert not served_by(
        shop.scale, "catalog-fulfillment-2", "PUT", f"/admin/products/{product['id']}"
    )


# --------------------------------------------------------------------------- (d) sweepers


def logged_counts(scale: ScaleStack, service: str, pattern: str) -> dict[str, int]:
    """Per replica: the sum of the number each matching log message reports."""
    return {
        replica: sum(
            int(found.group(1)) for m in scale.messages(replica) if (found := re.match(pattern, m))
        )
        for replica in scale.replicas(service)
    }


def orders_expired_by(scale: ScaleStack) -> dict[str, int]:
    """Per identity replica: orders its expiry sweeper expired (its "expiry sweep" lines)."""
    counts = {}
    for replica in scale.replicas("identity-commerce"):
        outcomes = [
            ast.literal_eval(m.removeprefix("expiry sweep: "))
            for m in scale.messages(replica)
            if m.startswith("expiry sweep: {")
        ]
        counts[replica] = sum(o.get("expired", 0) for o in outcomes)
    return counts


def test_sweepers_and_relays_of_both_replicas_handle_each_row_once(shop: Shop) -> None:
    scale = shop.scale

    # Reservations held for a second through the balancer (so by both replicas), then left
    # to the reservation sweepers of both catalog replicas.
    sku = f"HOLD-{uuid.uuid4().hex[:8].upper()}"
    shop.new_product(sku, "5.00", 20)
    holds = [str(uuid.uuid4()) for _ in range(10)]
    with client(scale.url("catalog"), headers=shop.service) as catalog:
        for hold in holds:
            held = catalog.post(
                "/inventory/reserve",
                json={
                    "reservation_id": hold,
                    "items": [{"sku": sku, "quantity": 1}],
                    "ttl_seconds": 1,
                },
            )
            assert held.status_code == 201, held.text
    wait_until(lambda: shop.stock(sku)["reserved"] == 0, timeout=30)
    assert shop.stock(sku)["on_hand"] == 20
    statuses = scale.rows(
        "catalog-fulfillment", "SELECT status FROM reservations WHERE id::text = ANY(%s)", holds
    )
    assert [status for (status,) in statuses] == ["expired"] * len(holds)
    (expired_in_db,) = scale.rows(
        "catalog-fulfillment", "SELECT count(*) FROM reservations WHERE status = 'expired'"
    )[0]
    swept = logged_counts(scale, "catalog-fulfillment", r"expired (\d+) reservations")
    assert sum(swept.values()) == expired_in_db  # no reservation expired twice
    print(f"\nreservations expired per catalog replica: {swept}")

    # Orders left unpaid past their deadline, for the expiry sweepers of both identity
    # replicas (the deadline is moved, not waited for: it is 15 minutes).
    sku = f"LATE-{uuid.uuid4().hex[:8].upper()}"
    shop.new_product(sku, "5.00", 10)

    async def abandoned_checkouts() -> list[str]:
        buyers = [Buyer(scale.url("identity")) for _ in range(6)]
        try:
            await asyncio.gather(*(b.sign_up_and_fill_cart(sku) for b in buyers))
            created = await asyncio.gather(*(b.create_intent() for b in buyers))
            assert [c.status_code for c in created] == [201] * len(buyers)
            return [c.json()["order_id"] for c in created]
        finally:
            await asyncio.gather(*(b.http.aclose() for b in buyers))

    orders = asyncio.run(abandoned_checkouts())
    assert shop.stock(sku)["reserved"] == len(orders)
    scale.rows(
        "identity-commerce",
        "UPDATE orders SET reservation_expires_at = now() WHERE id::text = ANY(%s)",
        orders,
    )

    def still_pending() -> int:
        (n,) = scale.rows(
            "identity-commerce",
            "SELECT count(*) FROM orders WHERE id::text = ANY(%s) AND status <> 'expired'",
            orders,
        )[0]
        return int(n)

    wait_until(lambda: still_pending() == 0, timeout=30)
    expiries = scale.rows(
        "identity-commerce",
        "SELECT order_id::text, count(*) FROM order_status_changes "
        "WHERE status = 'expired' AND order_id::text = ANY(%s) GROUP BY order_id",
        orders,
    )
    assert dict(expiries) == {order: 1 for order in orders}
    stock = shop.stock(sku)
    assert (stock["on_hand"], stock["reserved"]) == (10, 0)
    (all_expired,) = scale.rows(
        "identity-commerce", "SELECT count(*) FROM order_status_changes WHERE status = 'expired'"
    )[0]
    by_replica = orders_expired_by(scale)
    assert sum(by_replica.values()) == all_expired  # no order expired twice
    print(f"orders expired per identity replica: {by_replica}")

    # The relays of both replicas of both producers: every event delivered, once.
    wait_until(lambda: all(set(c) == {"sent"} for c in shop.outbox_counts().values()), timeout=30)
    events: dict[str, int] = {}
    for service in ("identity-commerce", "catalog-fulfillment"):
        events |= {
            str(event_id): attempts
            for event_id, attempts in scale.rows(service, "SELECT id, attempts FROM outbox")
        }
    assert events and set(events.values()) == {1}  # each sent by one relay, in one attempt
    expired_events = scale.rows(
        "identity-commerce",
        "SELECT aggregate_id, count(*) FROM outbox "
        "WHERE event_type = 'ORDER_EXPIRED' AND aggregate_id = ANY(%s) GROUP BY aggregate_id",
        orders,
    )
    assert dict(expired_events) == {order: 1 for order in orders}

    handled: Counter[str] = Counter()
    duplicates: list[str] = []
    handled_by: dict[str, int] = {}
    for replica in scale.replicas("notifications"):
        messages = scale.messages(replica)
        ids = [m.split()[1] for m in messages if re.match(r"event \S+ \(\S+\) handled", m)]
        handled.update(ids)
        handled_by[replica] = len(ids)
        duplicates += [m for m in messages if m.startswith("duplicate event ")]
    assert dict(handled) == dict.fromkeys(events, 1)  # each event reached notifications once
    assert duplicates == []
    assert all(handled_by.values()), handled_by  # round robin: both replicas got events
    print(f"events handled per notifications replica: {handled_by}")


# --------------------------------------------------------------------------- (e) readiness


def replica_pid(scale: ScaleStack, name: str) -> int:
    """The process of a replica (the launcher records each child's pid)."""
    children = json.loads((scale.run_dir / "pids.json").read_text())["children"]
    return int(next(c["pid"] for c in children if c["name"] == name))


def test_a_replica_that_stops_answering_is_taken_out_and_comes_back(scale: ScaleStack) -> None:
    paused, other = scale.replicas("catalog-fulfillment")[::-1]
    server = ("catalog-fulfillment", paused)

    def status() -> str:
        return balancer.server_states(scale.stats_url)[server].status

    def categories(count: int) -> list[int]:
        with client(scale.url("catalog")) as api:
            return [api.get("/catalog/categories").status_code for _ in range(count)]

    pid = replica_pid(scale, paused)
    os.kill(pid, signal.SIGSTOP)  # alive, but answers nothing: readiness checks time out
    try:
        wait_until(lambda: status() == "DOWN", timeout=30)
        before = served_by(scale, other, "GET", "/catalog/categories")
        assert categories(10) == [200] * 10  # no request is sent to the silent replica
        wait_until(
            lambda: served_by(scale, other, "GET", "/catalog/categories") - before == 10,
            timeout=5,
        )
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until(lambda: status() == "UP", timeout=30)
    before = served_by(scale, paused, "GET", "/catalog/categories")
    assert categories(10) == [200] * 10
    # back in the rotation: round robin gives it about every other request
    wait_until(
        lambda: served_by(scale, paused, "GET", "/catalog/categories") - before >= 3, timeout=5
    )
