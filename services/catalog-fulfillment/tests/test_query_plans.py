"""Every main read path has an index to use: with sequential scans priced out, the real
queries of the catalog (captured as the service sends them) plan on the intended indexes.
The same plans at 100k products are recorded in docs/api/catalog-fulfillment.md."""

from __future__ import annotations

from decimal import Decimal

import pytest
from catalog_fulfillment.models import Store
from catalog_fulfillment.services import catalog, stores
from catalog_fulfillment.services.catalog import ListingFilters
from catalog_fulfillment.services.listing_cache import TtlCache
from sqlalchemy import event, text

from tests.factories import make_category, make_product


@pytest.fixture
async def plans(db_connection, db_session):
    """Run a service call; return the EXPLAIN text of every SELECT it sent."""
    await db_session.execute(text("SET LOCAL enable_seqscan = off"))
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT") and "set_config" not in statement:
            captured.append((statement, parameters))

    sync_connection = db_connection.sync_connection
    event.listen(sync_connection, "before_cursor_execute", capture)

    async def explain(call) -> str:  # noqa: ANN001
        captured.clear()
        await call()
        statements = list(captured)
        event.remove(sync_connection, "before_cursor_execute", capture)
        try:
            out = []
            for statement, parameters in statements:
                rows = await db_connection.exec_driver_sql("EXPLAIN " + statement, parameters)
                out.append("\n".join(r[0] for r in rows))
            return "\n----\n".join(out)
        finally:
            event.listen(sync_connection, "before_cursor_execute", capture)

    yield explain
    event.remove(sync_connection, "before_cursor_execute", capture)


async def add_fillers(session, category_id, count: int = 3000) -> None:  # noqa: ANN001
    """Enough rows that the planner's choice is the one it makes for a real catalog (can
    be called again: each call adds `count` more)."""
    await session.execute(
        text(
            """
            INSERT INTO products (id, name, slug, description, category_id, min_price, max_price,
                                  rating_avg, rating_count, created_at, updated_at)
            SELECT gen_random_uuid(), 'Filler Gadget ' || i,
                   'filler-' || i || '-' || gen_random_uuid(),
                   'Generic item number ' || i, :category, 5 + i % 500, 5 + i % 500,
                   (i % 50) / 10.0, i % 40, now() - i * interval '1 minute', now()
              FROM generate_series(1, :count) AS i
            """
        ),
        {"category": category_id, "count": count},
    )
    await session.execute(
        text(
            """
            INSERT INTO variants (id, product_id, sku, name, price, position,
                                  created_at, updated_at)
            SELECT gen_random_uuid(), id, 'FILL-' || substr(id::text, 1, 13), 'Default',
                   min_price, 0, now(), now()
              FROM products WHERE slug LIKE 'filler-%'
               AND NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id)
            """
        )
    )
    await session.execute(
        text(
            """
            INSERT INTO inventory (sku, on_hand, reserved, reorder_level, created_at, updated_at)
            SELECT sku, (random() * 3)::int, 0, 1, now(), now()
              FROM variants WHERE sku LIKE 'FILL-%'
               AND NOT EXISTS (SELECT 1 FROM inventory i WHERE i.sku = variants.sku)
            """
        )
    )
    for table in ("products", "variants", "inventory", "search_terms"):
        await session.execute(text(f"ANALYZE {table}"))
    # Rows that earlier tests inserted and rolled back wait in the GIN index's pending list
    # until a vacuum; the planner prices that list into every full-text scan.
    await session.execute(text("SELECT gin_clean_pending_list('ix_products_search_vector')"))


def listing(session, filters: ListingFilters, sort: str):  # noqa: ANN201
    async def call() -> None:
        await catalog.list_products(
            session,
            filters=filters,
            sort=sort,
            page=1,
            page_size=20,  # type: ignore[arg-type]
            cache=TtlCache(ttl_seconds=0),
            ranking_cache=TtlCache(ttl_seconds=0),
            typo_threshold=0.25,
        )

    return call


@pytest.mark.parametrize(
    ("filters", "sort", "indexes"),
    [
        (ListingFilters(), "newest", ["ix_products_active_newest"]),
        (ListingFilters(), "price_asc", ["ix_products_active_price"]),
        (ListingFilters(), "price_desc", ["ix_products_active_price"]),
        (ListingFilters(), "rating", ["ix_products_active_rating"]),
        (ListingFilters(q="walnut desk"), "relevance", ["ix_products_search_vector"]),
        (ListingFilters(q="wallnut"), "relevance", ["search_terms", "ix_products_search_vector"]),
        (
            ListingFilters(min_price=Decimal("10"), max_price=Decimal("90")),
            "newest",
            ["ix_variants_"],
        ),
        (ListingFilters(in_stock=True), "newest", ["ix_inventory_available"]),
    ],
    ids=["newest", "price_asc", "price_desc", "rating", "search", "typo", "price", "in_stock"],
)
async def test_listing_queries_use_indexes(db_session, plans, filters, sort, indexes) -> None:
    category = await make_category(db_session)
    for _ in range(3):
        await make_product(db_session, name="Walnut Desk Organiser", category=category)
    await add_fillers(db_session, category.id)
    plan = await plans(listing(db_session, filters, sort))
    for index in indexes:
        assert index in plan, plan
    for table in ("products", "variants", "inventory", "search_terms"):
        assert f"Seq Scan on {table}" not in plan, plan


async def test_category_filter_uses_an_index(db_session, plans) -> None:
    category = await make_category(db_session)
    await make_product(db_session, category=category)
    await add_fillers(db_session, (await make_category(db_session)).id)
    plan = await plans(listing(db_session, ListingFilters(category=category.slug), "newest"))
    assert "Seq Scan on products" not in plan, plan


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("newest", "ix_products_active_category"),
        ("price_asc", "ix_products_active_facets"),
        ("price_desc", "ix_products_active_facets"),
        ("rating", "ix_products_active_category_rating"),
    ],
)
async def test_a_category_tree_is_paged_from_each_categorys_own_index(
    db_session, plans, sort, index
) -> None:
    """A parent category lists its children's products in order without reading past the
    products of every other category in a global sort index."""
    parent = await make_category(db_session)
    children = [await make_category(db_session, parent=parent) for _ in range(3)]
    for child in children:
        await add_fillers(db_session, child.id, count=400)
    await add_fillers(db_session, (await make_category(db_session)).id, count=2000)
    plan = await plans(listing(db_session, ListingFilters(category=parent.slug), sort))
    page_query = plan.split("----")[-1]
    assert index + " " in page_query, page_query
    assert "Seq Scan on products" not in plan, plan


async def test_detail_uses_primary_keys(db_session, plans) -> None:
    product = await make_product(db_session)

    async def call() -> None:
        await catalog.get_product(db_session, id_or_slug=str(product.id))

    plan = await plans(call)
    assert "pk_products" in plan and "ix_variants_product_price" in plan, plan
    assert "Seq Scan on products" not in plan and "Seq Scan on variants" not in plan, plan


async def test_nearby_uses_the_earth_index(db_session, plans) -> None:
    db_session.add(
        Store(
            name="S", address="x", city="Paris", country="FR", lat=48.86, lng=2.35, opening_hours={}
        )
    )
    await db_session.flush()

    async def call() -> None:
        await stores.nearby(db_session, lat=48.8566, lng=2.3522, radius_km=25, limit=20)

    plan = await plans(call)
    assert "ix_stores_earth" in plan and "Seq Scan on stores" not in plan, plan
