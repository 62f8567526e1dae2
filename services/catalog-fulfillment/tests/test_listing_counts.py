"""Listing totals and facets without counting every product: the trigger-kept counts stay
equal to a real count through every kind of write, and past LISTING_EXACT_COUNT_LIMIT a
filtered listing says its total is an estimate (and how close it is), below it exact."""

from __future__ import annotations

from decimal import Decimal

from catalog_fulfillment.models import Product
from catalog_fulfillment.services.catalog import PRICE_BANDS
from sqlalchemy import delete, text, update

from tests.factories import make_category, make_product
from tests.test_query_plans import add_fillers

LIVE_COUNTS = """
    SELECT category_id, catalog_price_band(min_price) AS band, count(*) AS products
      FROM products WHERE status = 'active' GROUP BY 1, 2
"""
KEPT_COUNTS = "SELECT category_id, band, products FROM catalog_facet_counts WHERE products <> 0"


async def counts(session, sql: str) -> set[tuple[object, int, int]]:  # noqa: ANN001
    return {(c, b, n) for c, b, n in (await session.execute(text(sql))).all()}


async def test_kept_counts_equal_a_real_count_through_every_kind_of_write(db_session) -> None:
    shelf, other = await make_category(db_session), await make_category(db_session)
    cheap = await make_product(db_session, category=shelf, prices={"C-1": "9.99"}, stock={"C-1": 1})
    dear = await make_product(db_session, category=shelf, prices={"D-1": "600"}, stock={"D-1": 1})
    await make_product(db_session, category=other, prices={"O-1": "30"}, stock={"O-1": 1})
    await add_fillers(db_session, other.id, count=200)  # one multi-row INSERT statement
    assert await counts(db_session, KEPT_COUNTS) == await counts(db_session, LIVE_COUNTS)

    writes = [
        update(Product).where(Product.id == cheap.id).values(min_price=75, max_price=75),  # band
        update(Product).where(Product.id == dear.id).values(category_id=other.id),  # category
        update(Product).where(Product.id == cheap.id).values(status="archived"),  # archived
        update(Product).where(Product.id == cheap.id).values(status="active"),  # back
        update(Product).where(Product.id == dear.id).values(rating_avg=Decimal("4.5")),  # no-op
        update(Product).where(Product.slug.like("filler-%")).values(category_id=shelf.id),
        delete(Product)
        .where(Product.id == dear.id, Product.rating_count == 0)
        .execution_options(synchronize_session=False),
    ]
    await db_session.execute(text("DELETE FROM inventory WHERE sku = 'D-1'"))
    await db_session.execute(
        text("DELETE FROM product_images WHERE product_id = :id"), {"id": dear.id}
    )
    await db_session.execute(text("DELETE FROM variants WHERE sku = 'D-1'"))
    for write in writes:
        await db_session.execute(write)
        assert await counts(db_session, KEPT_COUNTS) == await counts(db_session, LIVE_COUNTS), write


async def test_sql_price_bands_are_the_facets_bands(db_session) -> None:
    edges = [Decimal("0"), *PRICE_BANDS]
    for band, lower in enumerate(edges):
        for price in (lower, lower + Decimal("0.01")):
            assert (
                await db_session.scalar(text("SELECT catalog_price_band(:p)"), {"p": price}) == band
            )
        if band < len(PRICE_BANDS):
            below = PRICE_BANDS[band] - Decimal("0.01")
            assert (
                await db_session.scalar(text("SELECT catalog_price_band(:p)"), {"p": below}) == band
            )


async def test_a_large_filtered_listing_reports_an_estimate_a_small_one_an_exact_count(
    client, db_session
) -> None:
    busy, quiet = await make_category(db_session), await make_category(db_session)
    await add_fillers(db_session, busy.id, count=3000)  # about 5 in 6 of them have stock
    for _ in range(3):
        await make_product(db_session, category=quiet, stock={f"Q-{_}": 2})
    await make_product(db_session, category=quiet, stock={"Q-none": 0})
    truly_in_stock = await db_session.scalar(
        text(
            """SELECT count(*) FROM products p WHERE p.category_id = :c AND EXISTS (
                 SELECT 1 FROM variants v JOIN inventory i ON i.sku = v.sku
                  WHERE v.product_id = p.id AND v.active AND i.on_hand > i.reserved)"""
        ),
        {"c": busy.id},
    )

    large = (
        await client.get("/catalog/products", params={"category": busy.slug, "in_stock": "true"})
    ).json()
    assert large["total_estimated"] is True, large["total"]
    assert abs(large["total"] - truly_in_stock) <= 0.15 * truly_in_stock, (large, truly_in_stock)
    facets = [large["total"]] + [f["count"] for f in large["facets"]["categories"]]
    assert all(n == round(n, 2 - len(str(n))) for n in facets), facets  # 2 digits: "about"

    small = (
        await client.get("/catalog/products", params={"category": quiet.slug, "in_stock": "true"})
    ).json()
    assert (small["total"], small["total_estimated"]) == (3, False)
    assert len(small["items"]) == 3

    unfiltered = (await client.get("/catalog/products", params={"category": busy.slug})).json()
    assert (unfiltered["total"], unfiltered["total_estimated"]) == (3000, False)
