"""Print the PostgreSQL plans of the catalog's main read queries (not a test).

Runs the real service functions against the database of CATALOG_DATABASE_URL, captures
every SQL statement they send, and prints `EXPLAIN (ANALYZE, BUFFERS)` for each, so one
can check at 100k products that every path is index-backed:

    CATALOG_DATABASE_URL=... uv run python bench/explain_queries.py [--only list]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.services import catalog, stores
from catalog_fulfillment.services.catalog import ListingFilters
from catalog_fulfillment.services.listing_cache import TtlCache
from shopkit.db import Database
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

Scenario = Callable[[AsyncSession], Awaitable[Any]]


def listing(filters: ListingFilters, sort: str = "newest") -> Scenario:
    async def run(session: AsyncSession) -> Any:
        return await catalog.list_products(
            session,
            filters=filters,
            sort=sort,  # type: ignore[arg-type]
            page=5,
            page_size=20,
            cache=TtlCache(ttl_seconds=0),
            ranking_cache=TtlCache(ttl_seconds=0),
            typo_threshold=Settings().search_typo_threshold,
        )

    return run


async def detail(session: AsyncSession) -> Any:
    product_id = await session.scalar(text("SELECT id FROM products ORDER BY created_at LIMIT 1"))
    return await catalog.get_product(session, id_or_slug=str(product_id))


async def nearby(session: AsyncSession) -> Any:
    return await stores.nearby(session, lat=48.8566, lng=2.3522, radius_km=25, limit=20)


SCENARIOS: dict[str, Scenario] = {
    "list newest": listing(ListingFilters(), "newest"),
    "list price_asc": listing(ListingFilters(), "price_asc"),
    "list rating": listing(ListingFilters(), "rating"),
    "list category+price": listing(
        ListingFilters(category="laptops", min_price=Decimal("500"), max_price=Decimal("900")),
        "price_asc",
    ),
    "list in_stock": listing(ListingFilters(in_stock=True), "newest"),
    "list category rating": listing(ListingFilters(category="electronics"), "rating"),
    "list category in_stock price_desc": listing(
        ListingFilters(category="electronics", in_stock=True), "price_desc"
    ),
    "search": listing(ListingFilters(q="wireless headphones"), "relevance"),
    "search common word": listing(ListingFilters(q="laptop"), "relevance"),
    "search typo": listing(ListingFilters(q="hedphones"), "relevance"),
    "detail": detail,
    "nearby": nearby,
}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run scenarios whose name contains this")
    args = parser.parse_args()
    db = Database(Settings().sqlalchemy_url)
    captured: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "set_config" not in statement:
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        for name, scenario in SCENARIOS.items():
            if args.only and args.only not in name:
                continue
            async with db.sessionmaker() as session, session.begin():
                captured.clear()
                await scenario(session)
                statements = list(captured)
                captured.clear()
                print(f"\n## {name}")
                for statement, parameters in statements:
                    plan = await session.connection()
                    rows = await plan.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters
                    )
                    captured.clear()
                    print("\n".join(r[0] for r in rows))
                    print("-" * 60)
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
