"""The seed: realistic demo data that satisfies the issue's minimums, loaded idempotently;
the benchmark generator adds exactly the missing rows; pictures are served offline."""

from __future__ import annotations

import asyncio

from catalog_fulfillment.seeding.demo import seed_demo
from catalog_fulfillment.seeding.generator import generate
from shopkit.db import Database
from sqlalchemy import text

COUNTS = """
SELECT (SELECT count(*) FROM categories) AS categories,
       (SELECT count(*) FROM categories WHERE parent_id IS NULL) AS roots,
       (SELECT count(*) FROM categories c JOIN categories p ON c.parent_id = p.id
         WHERE p.parent_id IS NULL) AS second_level,
       (SELECT count(*) FROM products) AS products,
       (SELECT count(*) FROM variants) AS variants,
       (SELECT count(*) FROM inventory WHERE on_hand = 0) AS sold_out,
       (SELECT count(*) FROM inventory WHERE on_hand > 0 AND on_hand <= reorder_level) AS low,
       (SELECT count(*) FROM stores) AS stores,
       (SELECT count(DISTINCT country) FROM stores) AS countries,
       (SELECT count(*) FROM reviews) AS reviews,
       (SELECT count(*) FROM products p WHERE p.rating_count <>
           (SELECT count(*) FROM reviews r
             WHERE r.product_id = p.id AND r.verified_purchase)) AS wrong_ratings,
       (SELECT count(*) FROM product_images WHERE url NOT LIKE '/static/products/%.svg') AS remote
"""


async def counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return dict((await conn.execute(text(COUNTS))).mappings().one())
    finally:
        await db.dispose()


async def run_demo_seed(url: str) -> None:
    db = Database(url)
    try:
        async with db.sessionmaker() as session, session.begin():
            await seed_demo(session)
    finally:
        await db.dispose()


async def test_demo_seed_meets_the_minimums_and_is_idempotent(fresh_database) -> None:
    url = await fresh_database("seed")
    await run_demo_seed(url)
    first = await counts(url)
    assert first["categories"] >= 8 and first["roots"] >= 2 and first["second_level"] >= 6
    assert first["products"] >= 60 and first["variants"] >= 150
    assert first["sold_out"] >= 1 and first["low"] >= 1
    assert first["stores"] >= 20 and first["countries"] >= 5
    assert first["reviews"] >= 60
    assert first["wrong_ratings"] == 0
    assert first["remote"] == 0  # pictures work offline
    await run_demo_seed(url)
    assert await counts(url) == first


async def test_generator_adds_only_missing_rows(fresh_database) -> None:
    url = await fresh_database("generate")
    await run_demo_seed(url)
    base = await counts(url)
    report = await asyncio.to_thread(generate, url, products=300, stores=150)
    assert (report.products, report.stores) == (300, 150)
    grown = await counts(url)
    assert grown["products"] == base["products"] + 300
    assert grown["stores"] == base["stores"] + 150
    assert grown["variants"] == base["variants"] + report.variants
    assert grown["wrong_ratings"] == 0
    again = await asyncio.to_thread(generate, url, products=300, stores=150)
    assert (again.products, again.stores) == (0, 0)
    more = await asyncio.to_thread(generate, url, products=350, stores=150)
    assert (more.products, more.stores) == (50, 0)


async def test_static_product_pictures_are_served(client) -> None:
    response = await client.get("/static/products/laptop.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in response.content
    assert (await client.get("/static/products/nope.svg")).status_code == 404
