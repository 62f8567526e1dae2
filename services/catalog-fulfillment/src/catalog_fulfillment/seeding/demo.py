# ruff: noqa: S311  (seeded random makes demo data reproducible; nothing secret here)
"""Load the demo catalog, stores and reviews. Idempotent: ids are derived from names
(uuid5) and every insert is `ON CONFLICT DO NOTHING`, so running it again changes nothing
and never resets stock that has moved since.

The data itself lives in `seeding/data/` (read by `demo_data.py`); this module only turns
it into rows. Stock levels, reviews and their dates are drawn from random generators
seeded with the sku, so every run draws the same."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shopkit.db import utcnow
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import (
    Category,
    InventoryItem,
    Product,
    ProductImage,
    Review,
    Store,
    Variant,
)
from catalog_fulfillment.seeding.demo_data import DemoCatalog, demo_catalog
from catalog_fulfillment.services.slugs import slugify

NAMESPACE = uuid.UUID("6f1c2a34-8d1e-4c55-9a77-3f2b8e0c9d10")


def stable_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


def stock_for(sku: str) -> tuple[int, int]:
    """(on_hand, reorder_level): mostly healthy stock, some low, some sold out."""
    rng = random.Random(sku)
    roll = rng.random()
    if roll < 0.08:
        return 0, 5
    if roll < 0.22:
        return rng.randint(1, 4), 5
    return rng.randint(12, 150), 5


@dataclass
class SeedReport:
    """Rows added, by kind (the benchmark generator adds no categories)."""

    categories: int = 0
    products: int = 0
    variants: int = 0
    stores: int = 0
    reviews: int = 0


async def _insert(session: AsyncSession, model: type, rows: Sequence[Mapping[str, Any]]) -> int:
    if not rows:
        return 0
    key = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
    inserted = await session.scalars(
        pg_insert(model).values(rows).on_conflict_do_nothing().returning(key)
    )
    return len(inserted.all())


async def seed_categories(
    session: AsyncSession, catalog: DemoCatalog, report: SeedReport
) -> dict[str, uuid.UUID]:
    # Parents first so a child can point at its parent's id.
    for position, category in enumerate(
        sorted(catalog.categories, key=lambda category: category.parent is not None)
    ):
        ids = dict((await session.execute(select(Category.slug, Category.id))).all())
        report.categories += await _insert(
            session,
            Category,
            [
                {
                    "id": stable_id("category", category.slug),
                    "name": category.name,
                    "slug": category.slug,
                    "description": category.description,
                    "parent_id": ids.get(category.parent) if category.parent else None,
                    "position": position,
                }
            ],
        )
    return dict((await session.execute(select(Category.slug, Category.id))).all())


async def seed_products(
    session: AsyncSession,
    catalog: DemoCatalog,
    categories: dict[str, uuid.UUID],
    report: SeedReport,
) -> None:
    now = utcnow()
    products = catalog.products
    for index, product in enumerate(products):
        variants = product.variants()
        slug = slugify(product.name)
        prices = [v.price for v in variants]
        inserted = await _insert(
            session,
            Product,
            [
                {
                    "id": stable_id("product", product.sku),
                    "name": product.name,
                    "slug": slug,
                    "description": product.description,
                    "brand": product.brand,
                    "category_id": categories[product.category],
                    "status": "active",
                    "currency": "USD",
                    "min_price": min(prices),
                    "max_price": max(prices),
                    # Spread over recent weeks so "newest" has a meaningful order.
                    "created_at": now - timedelta(days=len(products) - index),
                    "updated_at": now,
                }
            ],
        )
        report.products += inserted
        # The row that holds this slug, whether just inserted or there from an earlier run.
        product_id = await session.scalar(select(Product.id).where(Product.slug == slug))
        await _insert(
            session,
            ProductImage,
            [
                {
                    "id": stable_id("image", product.sku),
                    "product_id": product_id,
                    "url": f"/static/products/{product.icon}.svg",
                    "alt": product.name,
                    "position": 0,
                }
            ],
        )
        report.variants += await _insert(
            session,
            Variant,
            [
                {
                    "id": stable_id("variant", v.sku),
                    "product_id": product_id,
                    "sku": v.sku,
                    "name": v.name,
                    "attributes": v.attributes,
                    "price": v.price,
                    "currency": "USD",
                    "active": True,
                    "position": position,
                }
                for position, v in enumerate(variants)
            ],
        )
        stock_rows = []
        for v in variants:
            on_hand, reorder_level = stock_for(v.sku)
            stock_rows.append(
                {"sku": v.sku, "on_hand": on_hand, "reserved": 0, "reorder_level": reorder_level}
            )
        await _insert(session, InventoryItem, stock_rows)


async def seed_reviews(session: AsyncSession, catalog: DemoCatalog, report: SeedReport) -> None:
    now = utcnow()
    names, texts = catalog.reviewer_names, catalog.review_texts
    rows = []
    for product in catalog.products:
        rng = random.Random(f"reviews:{product.sku}")
        product_id = await session.scalar(
            select(Product.id).where(Product.slug == slugify(product.name))
        )
        for n in range(rng.randint(0, 6)):
            rating = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 8, 5])[0]
            review = rng.choice(texts[rating])
            reviewer = names[(n * 5 + len(product.sku)) % len(names)]
            rows.append(
                {
                    "id": stable_id("review", f"{product.sku}:{n}"),
                    "product_id": product_id,
                    "user_id": stable_id("reviewer", f"{reviewer}:{n}"),
                    "author_name": reviewer,
                    "rating": rating,
                    "title": review.title,
                    "comment": review.comment,
                    "verified_purchase": rng.random() < 0.7,
                    "created_at": now - timedelta(days=rng.randint(1, 300)),
                }
            )
    report.reviews += await _insert(session, Review, rows)
    await refresh_ratings(session)


async def refresh_ratings(session: AsyncSession) -> None:
    """Ratings count verified-purchase reviews only (services/review_verification.py)."""
    await session.execute(
        text(
            """
            UPDATE products p
               SET rating_count = r.n, rating_avg = round(r.average, 2)
              FROM (SELECT product_id, count(*) AS n, avg(rating) AS average
                      FROM reviews WHERE verified_purchase GROUP BY product_id) r
             WHERE p.id = r.product_id
               AND (p.rating_count <> r.n OR p.rating_avg <> round(r.average, 2))
            """
        )
    )


async def seed_stores(session: AsyncSession, catalog: DemoCatalog, report: SeedReport) -> None:
    rows = [
        {
            "id": stable_id("store", store.name),
            **store.model_dump(),
            "opening_hours": catalog.opening_hours,
        }
        for store in catalog.stores
    ]
    report.stores += await _insert(session, Store, rows)


async def seed_demo(session: AsyncSession, catalog: DemoCatalog | None = None) -> SeedReport:
    """Everything a demo needs (the packaged demo catalog unless another is given);
    flushes, the caller commits."""
    catalog = catalog or demo_catalog()
    report = SeedReport()
    categories = await seed_categories(session, catalog, report)
    await seed_products(session, catalog, categories, report)
    await seed_reviews(session, catalog, report)
    await seed_stores(session, catalog, report)
    await session.flush()
    return report
