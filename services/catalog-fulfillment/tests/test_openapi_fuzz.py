"""Schemathesis against catalog-fulfillment's own OpenAPI document (shopkit.testing.fuzz):
no 5xx, only declared statuses and shapes, for valid and invalid requests alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import respx
import schemathesis
from shopkit.testing import ServiceUnderTest
from shopkit.testing.fuzz import assert_openapi_contract
from shopkit.testing.tokens import TokenFactory

from tests.factories import make_product


@pytest.fixture
async def fuzz_schema(
    fresh_database: Any, service_under_test: ServiceUnderTest, settings: Any
) -> AsyncIterator[Any]:
    from shopkit.db import Database

    url = await fresh_database("fuzz")
    db = Database(url)
    async with db.sessionmaker() as session, session.begin():
        await make_product(session, stock={"SKU-1": 5, "A": 3})  # something to find
    await db.dispose()
    app = service_under_test.app_factory(settings.model_copy(update={"database_url": url}))
    async with app.router.lifespan_context(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_openapi_contract(fuzz_schema: Any, tokens: TokenFactory) -> None:
    with respx.mock(base_url="http://identity.test", assert_all_called=False) as identity:
        identity.get("/internal/verified-purchase").respond(200, json={"verified": True})
        assert_openapi_contract(
            fuzz_schema,
            tokens,
            service_only_paths=("/inventory", "/fulfillments"),
            skip_paths=("/admin/outbox",),  # shopkit's router, tested in libs/shopkit
            max_examples=20,
        )
