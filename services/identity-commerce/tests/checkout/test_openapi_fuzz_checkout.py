"""Schemathesis over checkout, orders, the webhook, admin orders and the internal route:
no input may cause a 5xx or an undeclared status, body or content type.

Checkout and orders run as a real signed-in customer (so bodies get past authentication),
admin orders as an admin and /internal with a service token. The catalog edge is simulated
with respx; Stripe points at a port nothing listens on (random input never gets that far:
addresses and orders it names do not exist, webhook signatures are never valid).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
import schemathesis
from identity_commerce.core.config import Settings
from shopkit.testing import free_port
from shopkit.testing.database import TestDatabases
from shopkit.testing.fuzz import assert_openapi_contract
from shopkit.testing.tokens import TokenFactory

from ..fuzzing import RealAdmin, SameToken, paths_outside, promoted_admin, signed_in_app

CUSTOMER_PATHS = ("/checkout", "/orders", "/payments")
ADMIN_AND_SERVICE_PATHS = ("/admin/orders", "/internal")


@pytest.fixture
async def fuzz_app(
    test_databases: TestDatabases, settings: Settings
) -> AsyncIterator[tuple[Any, str]]:
    closed = f"http://127.0.0.1:{free_port()}"
    async with signed_in_app(
        test_databases=test_databases,
        settings=settings,
        email="checkout-fuzzer@example.com",
        catalog_url=closed,
        stripe_api_base=closed,
        stripe_max_network_retries=0,
        order_expiry_sweeper_enabled=False,
    ) as app_and_token:
        yield app_and_token


async def test_openapi_contract_of_checkout_orders_and_admin_orders(
    fuzz_app: tuple[Any, str], tokens: TokenFactory
) -> None:
    app, customer_token = fuzz_app
    admin = RealAdmin(await promoted_admin(app, "checkout-fuzz-admin@example.com"), tokens)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    with respx.mock(base_url=app.state.settings.catalog_url, assert_all_called=False) as router:
        router.get("/catalog/variants").mock(return_value=httpx.Response(200, json={"items": []}))
        assert_openapi_contract(
            schema,
            SameToken(customer_token),  # type: ignore[arg-type]
            skip_paths=paths_outside(app, CUSTOMER_PATHS),
            max_examples=15,
        )
        assert_openapi_contract(
            schema,
            admin,  # type: ignore[arg-type]
            service_only_paths=("/internal",),
            skip_paths=paths_outside(app, ADMIN_AND_SERVICE_PATHS),
            max_examples=15,
        )
