"""Schemathesis over checkout, orders, the webhook, admin orders and the internal route:
no input may cause a 5xx or an undeclared status, body or content type.

Checkout and orders run as a real signed-in customer (so bodies get past authentication),
admin orders as an admin and /internal with a service token. The catalog edge is simulated
with respx; Stripe points at a port nothing listens on (random input never gets that far:
addresses and orders it names do not exist, webhook signatures are never valid).
"""

from __future__ import annotations

from typing import Any

import httpx
import respx
from shopkit.testing import free_port
from shopkit.testing.tokens import TokenFactory

from ..fuzzing import (
    RealAdmin,
    SameToken,
    assert_contract_under,
    fuzz_app_fixture,
    promoted_admin,
)

CUSTOMER_PATHS = ("/checkout", "/orders", "/payments")
ADMIN_AND_SERVICE_PATHS = ("/admin/orders", "/internal")


def closed_edges() -> dict[str, Any]:
    """The catalog and Stripe on a port nothing listens on."""
    closed = f"http://127.0.0.1:{free_port()}"
    return {
        "catalog_url": closed,
        "stripe_api_base": closed,
        "stripe_max_network_retries": 0,
        "order_expiry_sweeper_enabled": False,
    }


fuzz_app = fuzz_app_fixture("checkout-fuzzer@example.com", closed_edges)


async def test_openapi_contract_of_checkout_orders_and_admin_orders(
    fuzz_app: tuple[Any, str], tokens: TokenFactory
) -> None:
    app, customer_token = fuzz_app
    admin = RealAdmin(await promoted_admin(app, "checkout-fuzz-admin@example.com"), tokens)
    with respx.mock(base_url=app.state.settings.catalog_url, assert_all_called=False) as router:
        router.get("/catalog/variants").mock(return_value=httpx.Response(200, json={"items": []}))
        assert_contract_under(app, CUSTOMER_PATHS, SameToken(customer_token))
        assert_contract_under(
            app, ADMIN_AND_SERVICE_PATHS, admin, service_only_paths=("/internal",)
        )
