"""What a sitemap lists: every active product and every category, by slug.

The frontend's servers (production and Vite dev) turn this into `sitemap.xml`; the catalog
only says what exists. One sitemap file holds at most 50,000 URLs (sitemaps.org), so the
products are capped there, newest change first, and the answer says when some were left
out: a shop that large needs a sitemap index, which nobody asked for yet.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Category, Product
from catalog_fulfillment.models.catalog import PRODUCT_ACTIVE

MAX_URLS = 50_000  # one sitemap file's limit (sitemaps.org protocol)


async def sitemap_entries(session: AsyncSession) -> dict[str, Any]:
    categories = (
        (await session.execute(select(Category.slug).order_by(Category.position, Category.slug)))
        .scalars()
        .all()
    )
    room = max(MAX_URLS - len(categories), 0)
    products = (
        await session.execute(
            select(Product.slug, Product.updated_at)
            .where(Product.status == PRODUCT_ACTIVE)
            .order_by(Product.updated_at.desc(), Product.id)
            .limit(room + 1)  # one more tells whether any were left out
        )
    ).all()
    return {
        "categories": [{"slug": s} for s in categories],
        "products": [{"slug": s, "updated_at": u} for s, u in products[:room]],
        "truncated": len(products) > room,
    }
