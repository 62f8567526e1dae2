"""Arrange catalog data directly in the database (tests of one endpoint shouldn't depend
on the admin endpoints working)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from catalog_fulfillment.models import Category, InventoryItem, Product, ProductImage, Variant
from shopkit.db import Database
from sqlalchemy.ext.asyncio import AsyncSession


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def stock_json(
    sku: str, *, on_hand: int, reserved: int, available: int, reorder_level: int
) -> dict[str, Any]:
    """A sku's stock level as the API answers it (`StockLevel`)."""
    return {
        "sku": sku,
        "on_hand": on_hand,
        "reserved": reserved,
        "available": available,
        "reorder_level": reorder_level,
    }


async def make_category(
    session: AsyncSession, *, name: str | None = None, parent: Category | None = None
) -> Category:
    name = name or unique("Category")
    category = Category(
        name=name,
        slug=unique(name.lower().replace(" ", "-")),
        parent_id=parent.id if parent else None,
    )
    session.add(category)
    await session.flush()
    return category


async def make_product(
    session: AsyncSession,
    *,
    stock: dict[str, int] | None = None,
    prices: dict[str, str] | None = None,
    name: str | None = None,
    description: str = "A fine thing.",
    category: Category | None = None,
    reorder_level: int = 0,
    status: str = "active",
    attributes: dict[str, Any] | None = None,
) -> Product:
    """A product whose variants have the given skus -> on_hand (sku names get a unique suffix
    unless they already look unique); returns the product with `.skus` for convenience."""
    category = category or await make_category(session)
    stock = stock or {unique("SKU"): 10}
    prices = prices or {}
    price_values = [Decimal(prices.get(sku, "10.00")) for sku in stock]
    name = name or unique("Product")
    product = Product(
        name=name,
        slug=unique(name.lower().replace(" ", "-").replace('"', "")),
        description=description,
        category_id=category.id,
        status=status,
        min_price=min(price_values),
        max_price=max(price_values),
    )
    session.add(product)
    await session.flush()
    session.add(ProductImage(product_id=product.id, url="/static/products/generic.svg", alt=name))
    for position, sku in enumerate(stock):
        session.add(
            Variant(
                product_id=product.id,
                sku=sku,
                name=f"{name} {sku}",
                attributes=attributes or {"colour": "black"},
                price=Decimal(prices.get(sku, "10.00")),
                position=position,
            )
        )
    await session.flush()
    for sku, on_hand in stock.items():
        session.add(
            InventoryItem(sku=sku, on_hand=on_hand, reserved=0, reorder_level=reorder_level)
        )
    await session.flush()
    return product


async def arrange_product(url: str, stock: dict[str, int]) -> None:
    """`make_product` committed in the database at `url`, for servers running elsewhere."""
    db = Database(url)
    try:
        async with db.sessionmaker() as session, session.begin():
            await make_product(session, stock=stock)
    finally:
        await db.dispose()
