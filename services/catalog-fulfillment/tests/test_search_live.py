"""Typo-tolerant search through a real uvicorn process: public reads run on the read pool
in autocommit, so nothing the correction relies on may live only inside a transaction."""

from __future__ import annotations

import httpx
from shopkit.db import Database

from tests.factories import make_category, make_product, unique

APP = "catalog_fulfillment.main:create_app"


async def test_a_misspelt_search_finds_the_product_through_a_live_process(
    live_processes, fresh_database
) -> None:  # noqa: ANN001
    url = await fresh_database("search_live")
    db = Database(url)
    try:
        async with db.sessionmaker() as session, session.begin():
            category = await make_category(session, name=unique("Computers"))
            await make_product(
                session, category=category, stock={unique("LAP"): 3}, name="Dell XPS 13 Laptop"
            )
    finally:
        await db.dispose()
    catalog = live_processes.start(
        "catalog-search",
        APP,
        env={"CATALOG_DATABASE_URL": url, "OUTBOX_RELAY_ENABLED": "false"},
    )
    async with httpx.AsyncClient(base_url=catalog.url, timeout=10) as client:
        for _ in range(3):  # several requests: pooled connections must all correct
            found = await client.get("/catalog/search", params={"q": "lapotp"})
            assert found.status_code == 200, found.text
            body = found.json()
            assert [item["name"] for item in body["items"]] == ["Dell XPS 13 Laptop"]
            assert (body["typo_corrected"], body["corrected_query"]) == (True, "laptop")
