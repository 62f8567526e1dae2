"""Schemathesis over checkout, orders, the webhook, admin orders and the internal route:
no input may cause a 5xx or an undeclared status, body or content type.

Checkout and orders run as a real signed-in customer (so bodies get past authentication),
admin orders as an admin and /internal with a service token. The catalog edge is simulated
with respx; Stripe points at a port nothing listens on (random input never gets that far:
addresses and orders it names do not exist, webhook signatures are never valid).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
import schemathesis
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from shopkit.testing import free_port
from shopkit.testing.database import TestDatabases
from shopkit.testing.fuzz import assert_openapi_contract
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncEngine

CUSTOMER_PATHS = ("/checkout", "/orders", "/payments")
ADMIN_AND_SERVICE_PATHS = ("/admin/orders", "/internal")


class SameToken:
    """Stands in for TokenFactory in assert_openapi_contract: always one real user."""

    def __init__(self, token: str) -> None:
        self.token = token

    def admin(self) -> str:
        return self.token

    def service(self) -> str:
        return self.token


@pytest.fixture
async def fuzz_app(
    test_databases: TestDatabases, db_engine: AsyncEngine, settings: Settings
) -> AsyncIterator[tuple[Any, str]]:
    await db_engine.dispose()  # a template database must have no open connections
    url = test_databases.clone(f"fuzz_checkout_{uuid.uuid4().hex[:6]}")
    closed = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        settings.model_copy(
            update={
                "database_url": url,
                "http_retries": 1,
                "catalog_url": closed,
                "stripe_api_base": closed,
                "stripe_max_network_retries": 0,
                "order_expiry_sweeper_enabled": False,
            }
        )
    )
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://fuzz"
        ) as api:
            body = {
                "email": "checkout-fuzzer@example.com",
                "password": "Fuzz-pass-1",
                "first_name": "Fuzz",
                "last_name": "Er",
            }
            assert (await api.post("/auth/signup", json=body)).status_code == 201
            login = await api.post("/auth/login", json=body)
            token = login.json()["access_token"]
        yield app, token


def others(app: Any, mine: tuple[str, ...]) -> tuple[str, ...]:
    return tuple({path for path in app.openapi()["paths"] if not path.startswith(mine)})


async def test_openapi_contract_of_checkout_orders_and_admin_orders(
    fuzz_app: tuple[Any, str], tokens: TokenFactory
) -> None:
    app, customer_token = fuzz_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    with respx.mock(base_url=app.state.settings.catalog_url, assert_all_called=False) as router:
        router.get("/catalog/variants").mock(return_value=httpx.Response(200, json={"items": []}))
        assert_openapi_contract(
            schema,
            SameToken(customer_token),  # type: ignore[arg-type]
            skip_paths=others(app, CUSTOMER_PATHS),
            max_examples=15,
        )
        assert_openapi_contract(
            schema,
            tokens,
            service_only_paths=("/internal",),
            skip_paths=others(app, ADMIN_AND_SERVICE_PATHS),
            max_examples=15,
        )
