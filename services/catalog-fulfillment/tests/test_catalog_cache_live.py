"""The catalog read cache across processes: two uvicorn processes on one database, each
with its cache on; a write through one is seen by the other within a second, whether it
is an admin change, a stock movement or a write made straight in the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from shopkit.db import Database
from shopkit.testing.accounts import directory_server
from sqlalchemy import text

from tests.factories import make_category, make_product, unique

APP = "catalog_fulfillment.main:create_app"
VISIBLE_WITHIN_SECONDS = 1.0


async def arrange(url: str) -> dict[str, Any]:
    db = Database(url)
    try:
        async with db.sessionmaker() as session, session.begin():
            category = await make_category(session, name=unique("Cache Shelf"))
            sku = unique("CACHE")
            product = await make_product(
                session, category=category, stock={sku: 1}, name="Cache Lamp"
            )
            return {"category": category.slug, "product": str(product.id), "sku": sku}
    finally:
        await db.dispose()


async def execute(url: str, statement: str, **params: object) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text(statement), params)
    finally:
        await db.dispose()


@pytest.fixture
def account_directory(tokens):  # noqa: ANN001, ANN201
    """identity-commerce's account directory for the admin tokens of these live processes."""
    with directory_server(tokens) as url:
        yield url


@pytest.fixture
async def two_catalogs(
    live_processes,  # noqa: ANN001
    fresh_database,  # noqa: ANN001
    account_directory: str,
) -> tuple[str, str, str, dict[str, Any]]:
    """Two catalog processes with their caches on, over one database holding the arranged
    lamp: (database url, writer's url, reader's url, what `arrange` made)."""
    url = await fresh_database("cache")
    env = {
        "CATALOG_DATABASE_URL": url,
        "IDENTITY_URL": account_directory,
        "OUTBOX_RELAY_ENABLED": "false",
        "RESERVATION_SWEEPER_ENABLED": "false",
        # long enough that only an invalidation, never expiry, can explain a fresh answer
        "LISTING_CACHE_SECONDS": "300",
    }
    first = live_processes.start("catalog-a", APP, env=env)
    second = live_processes.start("catalog-b", APP, env=env)
    return url, first.url, second.url, await arrange(url)


async def eventually(read: Callable[[], Awaitable[Any]], expected: Any, *, within: float) -> float:
    """Seconds until `read()` returns `expected`; fails if it takes longer than `within`."""
    started = time.monotonic()
    while True:
        value = await read()
        elapsed = time.monotonic() - started
        if value == expected:
            return elapsed
        assert elapsed < within, f"still {value!r} after {elapsed:.2f}s, expected {expected!r}"
        await asyncio.sleep(0.02)


async def warm(client: httpx.AsyncClient, path: str, params: dict[str, str] | None = None) -> Any:
    """Ask twice, so the answer is cached; return it."""
    await client.get(path, params=params)
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_admin_change_through_one_process_reaches_the_other_within_a_second(
    two_catalogs, tokens
) -> None:
    _, writer_url, reader_url, arranged = two_catalogs
    listing = ("/catalog/products", {"category": arranged["category"]})
    detail = f"/catalog/products/{arranged['product']}"
    admin = {"Authorization": f"Bearer {tokens.admin()}"}
    async with (
        httpx.AsyncClient(base_url=writer_url, timeout=10) as writer,
        httpx.AsyncClient(base_url=reader_url, timeout=10) as reader,
    ):
        assert (await warm(reader, *listing))["items"][0]["name"] == "Cache Lamp"
        assert (await warm(reader, detail))["name"] == "Cache Lamp"
        assert (await warm(reader, "/catalog/search", {"q": "lamp"}))["total"] == 1

        renamed = await writer.put(
            f"/admin/products/{arranged['product']}", json={"name": "Cache Lantern"}, headers=admin
        )
        assert renamed.status_code == 200, renamed.text

        async def listed_name() -> str:
            return (await reader.get(listing[0], params=listing[1])).json()["items"][0]["name"]

        async def detail_name() -> str:
            return (await reader.get(detail)).json()["name"]

        async def lamps_found() -> int:
            return (await reader.get("/catalog/search", params={"q": "lamp"})).json()["total"]

        await eventually(listed_name, "Cache Lantern", within=VISIBLE_WITHIN_SECONDS)
        await eventually(detail_name, "Cache Lantern", within=VISIBLE_WITHIN_SECONDS)
        await eventually(lamps_found, 0, within=VISIBLE_WITHIN_SECONDS)

        archived = await writer.post(
            f"/admin/products/{arranged['product']}/archive", headers=admin
        )
        assert archived.status_code == 200, archived.text

        async def listed_total() -> int:
            return (await reader.get(listing[0], params=listing[1])).json()["total"]

        async def detail_status() -> int:
            return (await reader.get(detail)).status_code

        await eventually(listed_total, 0, within=VISIBLE_WITHIN_SECONDS)
        await eventually(detail_status, 404, within=VISIBLE_WITHIN_SECONDS)


async def test_stock_and_direct_database_writes_reach_every_process_within_a_second(
    two_catalogs, tokens
) -> None:
    url, writer_url, reader_url, arranged = two_catalogs
    in_stock_listing = ("/catalog/products", {"category": arranged["category"], "in_stock": "true"})
    admin = {"Authorization": f"Bearer {tokens.admin()}"}
    async with (
        httpx.AsyncClient(base_url=writer_url, timeout=10) as writer,
        # The reader is staff: only staff and services see exact units.
        httpx.AsyncClient(base_url=reader_url, timeout=10, headers=admin) as reader,
    ):
        assert (await warm(reader, *in_stock_listing))["total"] == 1
        detail = f"/catalog/products/{arranged['product']}"
        assert (await warm(reader, detail))["variants"][0]["available"] == 1

        async def available_units() -> int:
            return (await reader.get(detail)).json()["variants"][0]["available"]

        async def in_stock_total() -> int:
            path, params = in_stock_listing
            return (await reader.get(path, params=params)).json()["total"]

        # The last unit is reserved at checkout: out of stock everywhere.
        service = {"Authorization": f"Bearer {tokens.service()}"}
        held = await writer.post(
            "/inventory/reserve",
            json={
                "reservation_id": "6f1c3a4e-2b0d-4c1e-9a57-0c4f2d9b8e11",
                "items": [{"sku": arranged["sku"], "quantity": 1}],
            },
            headers=service,
        )
        assert held.status_code == 201, held.text
        await eventually(in_stock_total, 0, within=VISIBLE_WITHIN_SECONDS)
        await eventually(available_units, 0, within=VISIBLE_WITHIN_SECONDS)

        # An admin restocks: back in stock everywhere.
        restocked = await writer.put(
            f"/admin/inventory/{arranged['sku']}", json={"on_hand": 5}, headers=admin
        )
        assert restocked.status_code == 200, restocked.text
        await eventually(in_stock_total, 1, within=VISIBLE_WITHIN_SECONDS)
        await eventually(available_units, 4, within=VISIBLE_WITHIN_SECONDS)  # 5 - 1 held

        # A price changed by hand in SQL, through no process at all.
        listing = ("/catalog/products", {"category": arranged["category"]})
        assert (await warm(reader, *listing))["items"][0]["price"] == "10.00"
        await execute(
            url,
            "UPDATE products SET min_price = 7.50 WHERE id = CAST(:id AS uuid)",
            id=arranged["product"],
        )

        async def listed_price() -> str:
            return (await reader.get(listing[0], params=listing[1])).json()["items"][0]["price"]

        await eventually(listed_price, "7.50", within=VISIBLE_WITHIN_SECONDS)
