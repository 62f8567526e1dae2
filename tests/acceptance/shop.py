"""The whole shop, started by the launcher (scripts/shopstack) for the acceptance tests, and
what the tests do with it: arrange products and shoppers, act as shoppers and as Stripe, look
inside identity-commerce's database."""

from __future__ import annotations

import itertools
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
from shopkit.testing import TokenFactory, free_port
from shopstack.environment import Stack
from shopstack.launch import service_child
from shopstack.profiles import ACCEPTANCE_WEBHOOK_SECRET, SERVICES_DIR, ServiceSpec, service
from shopstack.supervisor import Child, ProcessSet
from sqlalchemy.engine import make_url

SQL_COUNTING_UVICORN = Path(__file__).resolve().parent / "sql_counting_uvicorn.py"
WEBHOOK_SECRET = ACCEPTANCE_WEBHOOK_SECRET
PASSWORD = "correct horse battery"


def sql_counting_runner(log_dir: Path) -> Callable[[ServiceSpec, str, int], list[str]]:
    """Services under uvicorn that log each SQL statement to <log_dir>/<name>.sql, tagged
    with the request id (the checkout SQL budget test counts them)."""

    def argv(spec: ServiceSpec, name: str, port: int) -> list[str]:
        log = str(log_dir / f"{name}.sql")
        return [sys.executable, str(SQL_COUNTING_UVICORN), spec.app_path, str(port), log]

    return argv


def wait_until(check: Callable[[], Any], *, timeout: float = 15.0, every: float = 0.2) -> Any:
    """Poll until `check()` is truthy; return its value or fail with the last one."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = check()
    assert value, f"condition not met within {timeout}s (last: {value!r})"
    return value


@dataclass
class Shopper:
    email: str
    user_id: str
    token: str
    shipping_address_id: str
    billing_address_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Shop:
    """A running shop: the launcher's stack and its processes (stop and start them to
    take a service down and back up)."""

    stack: Stack
    processes: ProcessSet
    tokens: TokenFactory
    children: dict[str, Child]
    extra: list[Child] = field(default_factory=list)
    _admin: tuple[dict[str, str], float] | None = None

    # --- processes ------------------------------------------------------------------
    @property
    def identity(self) -> Child:
        return self.children["identity-commerce"]

    @property
    def catalog(self) -> Child:
        return self.children["catalog-fulfillment"]

    @property
    def notifications(self) -> Child:
        return self.children["notifications"]

    @property
    def localstripe(self) -> Child:
        return self.children["localstripe"]

    @property
    def log_dir(self) -> Path:
        return self.stack.logs_dir

    @property
    def identity_db(self) -> str:
        return self.stack.database_urls()["IDENTITY_DATABASE_URL"]

    @property
    def catalog_db(self) -> str:
        return self.stack.database_urls()["CATALOG_DATABASE_URL"]

    def start_service(
        self, service_name: str, name: str, *, port: int | None = None, **env: str
    ) -> Child:
        """One more process of a service beside the shop's own (its environment, `env`
        over it); the caller stops it, or appends it to `extra` to have it stopped with
        the shop."""
        spec = service(service_name)
        port = port or free_port()
        return service_child(self.stack, spec, name=name, port=port, env=env).start()

    def start_identity(
        self, name: str = "identity-commerce", *, port: int | None = None, **env: str
    ) -> Child:
        return self.start_service("identity-commerce", name, port=port, **env)

    def register_webhook(self, identity: Child | None = None) -> None:
        register_webhook(self.localstripe.url, (identity or self.identity).url)

    def stop(self) -> None:
        for child in self.extra:
            child.stop()
        self.processes.stop_all()

    # --- arranging ------------------------------------------------------------------
    def admin_headers(self) -> dict[str, str]:
        """A real admin's token: every service checks the account behind a user token."""
        if self._admin is None or time.monotonic() - self._admin[1] > 600:
            email = f"admin-{uuid.uuid4().hex[:12]}@example.com"
            with from_new_address(self.identity.url) as api:
                body = {"email": email, "password": PASSWORD, "first_name": "A", "last_name": "D"}
                assert api.post("/auth/signup", json=body).status_code == 201
                with psycopg.connect(libpq_url(self.identity_db)) as conn:
                    conn.execute("UPDATE users SET role = 'admin' WHERE email = %s", (email,))
                login = api.post("/auth/login", json={"email": email, "password": PASSWORD})
                assert login.status_code == 200, login.text
            token = login.json()["access_token"]
            self._admin = ({"Authorization": f"Bearer {token}"}, time.monotonic())
        return self._admin[0]

    def service_headers(self, caller: str = "identity-commerce") -> dict[str, str]:
        """A service token of `caller` with every scope that service may hold."""
        return {"Authorization": f"Bearer {self.tokens.service(caller)}"}

    def new_product(self, *variants: tuple[str, str, int]) -> dict[str, Any]:
        """A product with (sku, price, on_hand) variants; returns the catalog's answer."""
        admin = self.admin_headers()
        suffix = uuid.uuid4().hex[:8]
        category = httpx.post(
            f"{self.catalog.url}/admin/categories",
            json={"name": f"Category {suffix}"},
            headers=admin,
        )
        assert category.status_code == 201, category.text
        product = httpx.post(
            f"{self.catalog.url}/admin/products",
            json={
                "name": f"Product {suffix}",
                "category_id": category.json()["id"],
                "variants": [
                    {"sku": sku, "name": sku, "price": price, "on_hand": on_hand}
                    for sku, price, on_hand in variants
                ],
            },
            headers=admin,
        )
        assert product.status_code == 201, product.text
        return product.json()

    def stock(self, sku: str) -> dict[str, int]:
        response = httpx.get(f"{self.catalog.url}/inventory/{sku}", headers=self.service_headers())
        assert response.status_code == 200, response.text
        return response.json()

    def new_shopper(self, *cart: tuple[str, int], country: str = "US") -> Shopper:
        email = f"shopper-{uuid.uuid4().hex[:12]}@example.com"
        # Each shopper signs up from an address of their own, as real shoppers do (sign-ups
        # are limited per address).
        with from_new_address(self.identity.url) as api:
            signup = api.post(
                "/auth/signup",
                json={
                    "email": email,
                    "password": PASSWORD,
                    "first_name": "Ada",
                    "last_name": "Buyer",
                    "phone": "+15550100",
                },
            )
            assert signup.status_code == 201, signup.text
            login = api.post("/auth/login", json={"email": email, "password": PASSWORD})
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            ids = []
            for kind in ("shipping", "billing"):
                address = api.post(
                    "/addresses",
                    json={
                        "kind": kind,
                        "full_name": "Ada Buyer",
                        "line1": "1 Main St",
                        "city": "Springfield",
                        "postal_code": "12345",
                        "country": country,
                    },
                    headers=headers,
                )
                assert address.status_code == 201, address.text
                ids.append(address.json()["id"])
            for sku, quantity in cart:
                line = api.post(
                    "/cart/items", json={"sku": sku, "quantity": quantity}, headers=headers
                )
                assert line.status_code == 201, line.text
        return Shopper(email, signup.json()["id"], login.json()["access_token"], ids[0], ids[1])

    # --- acting ---------------------------------------------------------------------
    def create_intent(self, shopper: Shopper, **headers: str) -> httpx.Response:
        return httpx.post(
            f"{self.identity.url}/checkout/create-payment-intent",
            json={
                "shipping_address_id": shopper.shipping_address_id,
                "billing_address_id": shopper.billing_address_id,
            },
            headers={**shopper.headers, **headers},
            timeout=30,
        )

    def confirm(
        self, shopper: Shopper, order_id: str, payment_method_id: str | None = None, **headers: str
    ) -> httpx.Response:
        body: dict[str, Any] = {"order_id": order_id}
        if payment_method_id is not None:
            body["payment_method_id"] = payment_method_id
        return httpx.post(
            f"{self.identity.url}/checkout/confirm",
            json=body,
            headers={**shopper.headers, **headers},
            timeout=30,
        )

    def order(self, shopper: Shopper, order_id: str) -> dict[str, Any]:
        response = httpx.get(f"{self.identity.url}/orders/{order_id}", headers=shopper.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def cart(self, shopper: Shopper) -> dict[str, Any]:
        response = httpx.get(f"{self.identity.url}/cart", headers=shopper.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def sent(self, event_type: str, recipient: str) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.notifications.url}/notifications",
            params={"type": event_type, "recipient": recipient, "channel": "email"},
            headers=self.service_headers(),
        )
        assert response.status_code == 200, response.text
        return response.json()["items"]

    # --- looking inside identity's own database ------------------------------------------
    def identity_rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(libpq_url(self.identity_db)) as conn:
            return conn.execute(sql, params).fetchall()


def libpq_url(sqlalchemy_url: str) -> str:
    """postgresql+psycopg://... -> postgresql://... (host/port query parameters kept)."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


_loopback = itertools.count(1)
_LOOPBACK_BLOCK = os.getpid() % 200 + 20


def from_new_address(base_url: str) -> httpx.Client:
    """A client whose connections come from a loopback address no other client used."""
    n = next(_loopback)
    address = f"127.{_LOOPBACK_BLOCK}.{n // 250 % 250}.{n % 250 + 2}"
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, transport=transport, timeout=30)


def register_webhook(localstripe_url: str, identity_url: str) -> None:
    sys.path.insert(0, str(SERVICES_DIR / "identity-commerce" / "scripts"))
    from register_stripe_webhook import register_webhook as register

    register(
        stripe_api_base=localstripe_url,
        webhook_url=f"{identity_url}/payments/webhook",
        secret=WEBHOOK_SECRET,
    )


def money(value: str) -> Decimal:
    return Decimal(value)


def pay_directly_at_stripe(shop: Shop, payment_intent_id: str) -> None:
    """What a browser does with Stripe.js: pay at Stripe without telling the shop."""
    stripe = httpx.Client(base_url=shop.localstripe.url, auth=("sk_test_acceptance", ""))
    stripe.post(f"/v1/payment_intents/{payment_intent_id}", data={"payment_method": "pm_card_visa"})
    confirmed = stripe.post(f"/v1/payment_intents/{payment_intent_id}/confirm")
    assert confirmed.json()["status"] == "succeeded", confirmed.text


class _Capture(BaseHTTPRequestHandler):
    deliveries: list[tuple[bytes, str]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).deliveries.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def webhooks_captured(shop: Shop) -> Iterator[list[tuple[bytes, str]]]:
    """Point localstripe's webhook at a recorder for a while, then back at the shop."""
    server = HTTPServer(("127.0.0.1", free_port()), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Capture.deliveries = []
    register_webhook(shop.localstripe.url, f"http://127.0.0.1:{server.server_port}")
    try:
        yield _Capture.deliveries
    finally:
        shop.register_webhook()
        server.shutdown()
