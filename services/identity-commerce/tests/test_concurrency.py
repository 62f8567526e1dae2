"""One user's concurrent requests, each on its own database connection (real commits).

The user's row is locked by address and cart writes, so parallel requests of one user queue
up instead of racing: exactly one default address per kind, and parallel adds of one sku
sum up on a single line.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from shopkit.testing.database import TestDatabases

from .account_factories import address_body


@pytest.fixture
async def committing_api(
    test_databases: TestDatabases, settings: Settings
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str], Any]]:
    """An in-process app with its own connection pool on a fresh database, and a customer."""
    url = test_databases.clone(f"concurrency_{uuid.uuid4().hex[:6]}")
    app = create_app(settings.model_copy(update={"database_url": url, "db_pool_size": 12}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c") as api,
    ):
        body = {"email": "busy@example.com", "password": "Busy-pass-1"}
        signup = await api.post("/auth/signup", json={**body, "first_name": "B", "last_name": "U"})
        assert signup.status_code == 201
        token = (await api.post("/auth/login", json=body)).json()["access_token"]
        yield api, {"Authorization": f"Bearer {token}"}, app


async def test_parallel_first_addresses_get_exactly_one_default(
    committing_api: tuple[httpx.AsyncClient, dict[str, str], Any],
) -> None:
    api, headers, _ = committing_api
    responses = await asyncio.gather(
        *[
            api.post("/addresses", headers=headers, json=address_body(full_name=f"Home {i}"))
            for i in range(8)
        ]
    )
    assert [r.status_code for r in responses] == [201] * 8
    listed = (await api.get("/addresses", headers=headers)).json()
    assert len(listed) == 8
    assert sum(a["is_default"] for a in listed) == 1


async def test_parallel_adds_of_one_sku_sum_up_on_one_line(
    committing_api: tuple[httpx.AsyncClient, dict[str, str], Any],
) -> None:
    api, headers, app = committing_api
    variant = {
        "sku": "RUN-42",
        "variant_id": str(uuid.uuid4()),
        "product_id": str(uuid.uuid4()),
        "product_name": "Trail Runner",
        "variant_name": "Size 42",
        "attributes": {},
        "price": "59.90",
        "currency": "USD",
        "image_url": None,
        "active": True,
        "available": 50,
    }
    with respx.mock(base_url=app.state.settings.catalog_url) as router:
        router.get("/catalog/variants").mock(
            return_value=httpx.Response(200, json={"items": [variant]})
        )
        responses = await asyncio.gather(
            *[
                api.post("/cart/items", headers=headers, json={"sku": "RUN-42", "quantity": 2})
                for _ in range(8)
            ]
        )
        assert [r.status_code for r in responses] == [201] * 8
        cart = (await api.get("/cart", headers=headers)).json()
    assert [(i["sku"], i["quantity"]) for i in cart["items"]] == [("RUN-42", 16)]
