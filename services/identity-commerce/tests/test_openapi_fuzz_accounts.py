"""Schemathesis over the accounts, addresses and cart routes, as a signed-in customer.

shopkit's fuzz helper sends tokens of users that do not exist, which these routes refuse
with 401 before reading any input; here the token belongs to a real account in the fuzzed
database, so request bodies and parameters get exercised for real. The catalog is
simulated with respx (a few skus, some out of stock) so cart writes get past the lookup.
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
from shopkit.testing.database import TestDatabases
from shopkit.testing.fuzz import assert_openapi_contract
from sqlalchemy.ext.asyncio import AsyncEngine

MINE = ("/auth", "/addresses", "/cart", "/.well-known", "/health")


class SignedInTokens:
    """Stands in for TokenFactory in assert_openapi_contract: always the same real user."""

    def __init__(self, token: str) -> None:
        self.token = token

    def admin(self) -> str:
        return self.token

    def service(self) -> str:
        return self.token


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


@pytest.fixture
async def fuzz_app(
    test_databases: TestDatabases, db_engine: AsyncEngine, settings: Settings
) -> AsyncIterator[tuple[Any, str]]:
    await db_engine.dispose()  # a template database must have no open connections
    url = test_databases.clone(f"fuzz_accounts_{uuid.uuid4().hex[:6]}")
    app = create_app(settings.model_copy(update={"database_url": url, "http_retries": 1}))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://fuzz"
        ) as api:
            body = {
                "email": "fuzzer@example.com",
                "password": "Fuzz-pass-1",
                "first_name": "Fuzz",
                "last_name": "Er",
            }
            assert (await api.post("/auth/signup", json=body)).status_code == 201
            login = await api.post("/auth/login", json=body)
            token = login.json()["access_token"]
        yield app, token


async def test_openapi_contract_of_accounts_addresses_and_cart(
    fuzz_app: tuple[Any, str],
) -> None:
    app, token = fuzz_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    others = tuple(
        {"/" + path.split("/")[1] for path in app.openapi()["paths"] if not path.startswith(MINE)}
    )
    with respx.mock(base_url=app.state.settings.catalog_url, assert_all_called=False) as router:
        router.get("/catalog/variants").mock(side_effect=catalog_answer)
        assert_openapi_contract(
            schema,
            SignedInTokens(token),
            skip_paths=others,
            max_examples=15,  # type: ignore[arg-type]
        )
