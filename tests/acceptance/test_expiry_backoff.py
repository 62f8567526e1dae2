"""The expiry sweeper cannot starve: an order whose Stripe cancel keeps failing backs off
and stops blocking the others. Real processes and a real localstripe; the failure is real
too: Stripe answers 500 for those PaymentIntents (a front that passes every other request
through to localstripe unchanged, as a Stripe incident limited to some objects would)."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import psycopg
import pytest
from shopkit.testing import free_port
from shopstack.supervisor import Child

from .shop import Shop, Shopper, libpq_url, wait_until

HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}


class StripeFront(BaseHTTPRequestHandler):
    """Relays to localstripe; answers 500 to any request about a `broken` PaymentIntent."""

    upstream: ClassVar[str] = ""
    broken: ClassVar[set[str]] = set()
    hits: ClassVar[Counter[str]] = Counter()

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        failing = next((pi for pi in self.broken if pi in self.path), None)
        if failing is not None:
            type(self).hits[failing] += 1
            payload = json.dumps(
                {"error": {"type": "api_error", "message": "Stripe could not process this"}}
            ).encode()
            self._answer(500, {"Content-Type": "application/json"}, payload)
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = httpx.request(
            self.command, self.upstream + self.path, content=body, headers=headers, timeout=30
        )
        kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        self._answer(upstream.status_code, kept, upstream.content)

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _relay

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def stripe_front(shop: Shop, broken: set[str]) -> Iterator[str]:
    StripeFront.upstream = shop.localstripe.url
    StripeFront.broken = broken
    StripeFront.hits = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), StripeFront)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def owner(shop: Shop) -> Iterator[Shopper]:
    """The customer of the overdue orders. The module's own identity process sweeps with an
    unbroken Stripe, so it is stopped while these tests run."""
    shopper = shop.new_shopper()
    shop.identity.stop()
    try:
        yield shopper
    finally:
        shop.identity.start()


def new_intents(shop: Shop, count: int) -> list[str]:
    stripe = httpx.Client(base_url=shop.localstripe.url, auth=("sk_test_x", ""))
    return [
        stripe.post("/v1/payment_intents", data={"amount": 1000, "currency": "usd"}).json()["id"]
        for _ in range(count)
    ]


def overdue_orders(
    shop: Shop, shopper: Shopper, intents: list[str], *, overdue_seconds: int
) -> list[str]:
    """Orders awaiting payment whose stock hold ran out `overdue_seconds` ago (their
    reservations are gone at the catalog, as after its own expiry)."""
    ids = []
    with psycopg.connect(libpq_url(shop.identity_db)) as conn:
        for intent in intents:
            order_id = uuid.uuid4()
            conn.execute(
                "INSERT INTO orders (id, user_id, status, currency, subtotal, shipping, tax, "
                "total, customer_email, customer_name, shipping_address, billing_address, "
                "reservation_expires_at) VALUES (%s, %s, 'pending_payment', 'USD', 10, 0, 0, "
                "10, %s, 'Ada Buyer', '{}', '{}', now() - make_interval(secs => %s))",
                (order_id, uuid.UUID(shopper.user_id), shopper.email, overdue_seconds),
            )
            conn.execute(
                "INSERT INTO order_items (id, order_id, position, sku, name, unit_price, "
                "quantity, line_total) VALUES (%s, %s, 0, 'GONE-1', 'Gone', 10, 1, 10)",
                (uuid.uuid4(), order_id),
            )
            conn.execute(
                "INSERT INTO payments (id, order_id, provider, payment_intent_id, amount, "
                "currency, status, refunded_amount) VALUES (%s, %s, 'stripe', %s, 10, 'USD', "
                "'requires_payment_method', 0)",
                (uuid.uuid4(), order_id, intent),
            )
            ids.append(str(order_id))
    return ids


def statuses(shop: Shop, order_ids: list[str]) -> Counter[str]:
    rows = shop.identity_rows(
        "SELECT status FROM orders WHERE id = ANY(%s)", [uuid.UUID(i) for i in order_ids]
    )
    return Counter(r[0] for r in rows)


def start_sweeper(shop: Shop, stripe_base: str, name: str) -> Child:
    sweeper = shop.start_identity(
        name,
        STRIPE_API_BASE=stripe_base,
        ORDER_EXPIRY_SWEEP_SECONDS="0.3",
        ORDER_EXPIRY_RETRY_BASE_SECONDS="300",
        ORDER_EXPIRY_RETRY_MAX_SECONDS="600",
    )
    shop.extra.append(sweeper)
    return sweeper


def payment_intent_of(shop: Shop, order_id: str) -> str:
    rows = shop.identity_rows(
        "SELECT payment_intent_id FROM payments WHERE order_id = %s", uuid.UUID(order_id)
    )
    return str(rows[0][0])


def test_one_order_whose_stripe_cancel_fails_does_not_stop_fifty_others(
    shop: Shop, owner: Shopper
) -> None:
    [failing_intent] = new_intents(shop, 1)
    [failing] = overdue_orders(shop, owner, [failing_intent], overdue_seconds=600)
    others = overdue_orders(shop, owner, new_intents(shop, 50), overdue_seconds=60)

    with stripe_front(shop, {failing_intent}) as front:
        sweeper = start_sweeper(shop, front, "identity-sweeper-one")
        wait_until(lambda: statuses(shop, others) == Counter({"expired": 50}), timeout=60)
        threading.Event().wait(2.0)  # several more passes
        sweeper.stop()

    assert statuses(shop, [failing]) == Counter({"pending_payment": 1})
    # Tried once, then left alone for its backoff instead of on every pass.
    assert StripeFront.hits[failing_intent] == 1
    [(attempts, waits)] = shop.identity_rows(
        "SELECT expiry_attempts, expiry_retry_at > now() + interval '200 seconds' FROM orders "
        "WHERE id = %s",
        uuid.UUID(failing),
    )
    assert (attempts, waits) == (1, True)
    intent = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{payment_intent_of(shop, others[0])}",
        auth=("sk_test_x", ""),
    )
    assert intent.json()["status"] == "canceled"


def test_a_whole_batch_of_failing_orders_does_not_starve_the_rest(
    shop: Shop, owner: Shopper
) -> None:
    broken = new_intents(shop, 60)  # more than one sweep takes, and the oldest deadlines
    failing = overdue_orders(shop, owner, broken, overdue_seconds=600)
    others = overdue_orders(shop, owner, new_intents(shop, 20), overdue_seconds=60)

    with stripe_front(shop, set(broken)) as front:
        sweeper = start_sweeper(shop, front, "identity-sweeper-batch")
        wait_until(lambda: statuses(shop, others) == Counter({"expired": 20}), timeout=60)
        sweeper.stop()
    assert statuses(shop, failing) == Counter({"pending_payment": 60})
    assert max(StripeFront.hits.values()) == 1
