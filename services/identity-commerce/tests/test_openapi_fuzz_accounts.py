"""Schemathesis over the accounts, addresses and cart routes, as a signed-in customer.

shopkit's fuzz helper sends tokens of users that do not exist, which these routes refuse
with 401 before reading any input; here the token belongs to a real account in the fuzzed
database, so request bodies and parameters get exercised for real. The catalog is
simulated with respx (a few skus, some out of stock) so cart writes get past the lookup.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import respx

from .fuzzing import SameToken, assert_contract_under, fuzz_app_fixture

MINE = ("/auth", "/addresses", "/cart", "/.well-known", "/health")


def catalog_answer(request: httpx.Request) -> httpx.Response:
    skus = request.url.params.get("skus", "").split(",")
    items = [
        {
            "sku": sku,
            "variant_id": str(uuid.uuid5(uuid.NAMESPACE_URL, sku)),
            "product_id": str(uuid.uuid5(uuid.NAMESPACE_DNS, sku)),
            "product_name": f"Product {sku}",
            "variant_name": "Default",
            "attributes": {},
            "price": "12.50",
            "currency": "USD",
            "image_url": None,
            "active": True,
            "available": len(sku) % 4 * 5,  # some skus have stock, some none
        }
        for sku in skus
        if sku and sku[0] != "0"  # skus starting with 0 are unknown
    ]
    return httpx.Response(200, json={"items": items})


fuzz_app = fuzz_app_fixture("fuzzer@example.com")


async def test_openapi_contract_of_accounts_addresses_and_cart(
    fuzz_app: tuple[Any, str],
) -> None:
    app, token = fuzz_app
    with respx.mock(base_url=app.state.settings.catalog_url, assert_all_called=False) as router:
        router.get("/catalog/variants").mock(side_effect=catalog_answer)
        assert_contract_under(app, MINE, SameToken(token))
