"""Admin side of the catalog: create categories and products, edit, archive, set stock.

Variants are never deleted (orders and reservations keep pointing at their skus): a sku
left out of an edit is retired (`active = false`). Archiving a product hides it from the
catalog and search; reservations of it still commit and release.
"""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from typing import TypeVar

from shopkit.db import utcnow
from shopkit.errors import Conflict, NotFound
from shopkit.pages import newest_first
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Category, InventoryItem, Product, ProductImage, Variant
from catalog_fulfillment.models.catalog import PRODUCT_ARCHIVED
from catalog_fulfillment.schemas.admin import (
    CategoryCreate,
    CategoryUpdate,
    ImageIn,
    ProductCreate,
    ProductUpdate,
    VariantIn,
)
from catalog_fulfillment.services.slugs import slugify, with_suffix


async def _flush_or_conflict(session: AsyncSession, detail: str) -> None:
    """Unique constraints are the final word when two admins race; answer 409, not 500."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(detail) from exc


async def _free_slug(
    session: AsyncSession, model: type[Category] | type[Product], wanted: str
) -> str:
    taken = await session.scalar(
        select(func.count()).select_from(model).where(model.slug == wanted)
    )
    return with_suffix(wanted) if taken else wanted


async def _slug_for(
    session: AsyncSession,
    model: type[Category] | type[Product],
    *,
    explicit: str | None,
    name: str,
    current_id: uuid.UUID | None = None,
) -> str:
    if explicit is None:
        return await _free_slug(session, model, slugify(name))
    owner = await session.scalar(select(model.id).where(model.slug == explicit))
    if owner is not None and owner != current_id:
        raise Conflict(f"The slug '{explicit}' is already used")
    return explicit


async def _require_category(session: AsyncSession, category_id: uuid.UUID, what: str) -> Category:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound(f"{what} not found")
    return category


Edited = TypeVar("Edited", Category, Product)


async def _locked(
    session: AsyncSession, model: type[Edited], key: uuid.UUID, missing: str
) -> Edited:
    """The row to edit, locked until the transaction ends (two admins' edits queue)."""
    row = await session.get(model, key, with_for_update=True)
    if row is None:
        raise NotFound(missing)
    return row


async def create_category(session: AsyncSession, *, data: CategoryCreate) -> Category:
    if data.parent_id is not None:
        await _require_category(session, data.parent_id, "Parent category")
    category = Category(
        name=data.name,
        slug=await _slug_for(session, Category, explicit=data.slug, name=data.name),
        description=data.description,
        parent_id=data.parent_id,
        position=data.position,
    )
    session.add(category)
    await _flush_or_conflict(session, "A category with this slug already exists")
    return category


async def update_category(
    session: AsyncSession, *, category_id: uuid.UUID, data: CategoryUpdate
) -> Category:
    category = await _locked(session, Category, category_id, "No such category")
    if data.name is not None:
        category.name = data.name
    if data.slug is not None:
        category.slug = await _slug_for(
            session, Category, explicit=data.slug, name=category.name, current_id=category.id
        )
    if data.description is not None:
        category.description = data.description
    if data.position is not None:
        category.position = data.position
    await _flush_or_conflict(session, "A category with this slug already exists")
    return category


async def _skus_owned_elsewhere(
    session: AsyncSession, skus: list[str], product_id: uuid.UUID | None
) -> list[str]:
    query = select(Variant.sku).where(Variant.sku.in_(skus))
    if product_id is not None:
        query = query.where(Variant.product_id != product_id)
    return sorted((await session.scalars(query)).all())


def _set_images(session: AsyncSession, product_id: uuid.UUID, images: list[ImageIn]) -> None:
    for position, image in enumerate(images):
        session.add(
            ProductImage(product_id=product_id, url=image.url, alt=image.alt, position=position)
        )


def _new_variant(product_id: uuid.UUID, data: VariantIn, position: int, currency: str) -> Variant:
    return Variant(
        product_id=product_id,
        sku=data.sku,
        name=data.name,
        attributes=dict(data.attributes),
        price=data.price,
        currency=currency,
        position=position,
        active=True,
    )


async def _refresh_price_range(session: AsyncSession, product: Product) -> None:
    low, high = (
        await session.execute(
            select(func.min(Variant.price), func.max(Variant.price)).where(
                Variant.product_id == product.id, Variant.active
            )
        )
    ).one()
    product.min_price = low if low is not None else Decimal("0.00")
    product.max_price = high if high is not None else product.min_price


def _refuse_repeated_skus(variants: list[VariantIn]) -> None:
    """A sku named twice in one request conflicts with itself (409 like a sku that is taken;
    JSON Schema cannot state "unique by sku", so this is not a validation error)."""
    counts = Counter(v.sku for v in variants)
    repeated = sorted(sku for sku, count in counts.items() if count > 1)
    if repeated:
        raise Conflict("Each sku may appear only once", skus=repeated)


async def create_product(session: AsyncSession, *, data: ProductCreate) -> Product:
    _refuse_repeated_skus(data.variants)
    await _require_category(session, data.category_id, "Category")
    taken = await _skus_owned_elsewhere(session, [v.sku for v in data.variants], None)
    if taken:
        raise Conflict("These skus already exist", skus=taken)
    prices = [v.price for v in data.variants]
    product = Product(
        name=data.name,
        slug=await _slug_for(session, Product, explicit=data.slug, name=data.name),
        description=data.description,
        brand=data.brand,
        category_id=data.category_id,
        currency=data.currency,
        min_price=min(prices),
        max_price=max(prices),
    )
    session.add(product)
    await _flush_or_conflict(session, "A product with this slug already exists")
    _set_images(session, product.id, data.images)
    for position, variant in enumerate(data.variants):
        session.add(_new_variant(product.id, variant, position, data.currency))
    await _flush_or_conflict(session, "A sku of this product already exists")
    for variant in data.variants:
        session.add(
            InventoryItem(
                sku=variant.sku,
                on_hand=variant.on_hand,
                reserved=0,
                reorder_level=variant.reorder_level,
            )
        )
    await session.flush()
    return product


async def update_product(
    session: AsyncSession, *, product_id: uuid.UUID, data: ProductUpdate
) -> Product:
    product = await _locked(session, Product, product_id, "No such product")
    if data.category_id is not None:
        await _require_category(session, data.category_id, "Category")
        product.category_id = data.category_id
    if data.name is not None:
        product.name = data.name
    if data.slug is not None:
        product.slug = await _slug_for(
            session, Product, explicit=data.slug, name=product.name, current_id=product.id
        )
    if data.description is not None:
        product.description = data.description
    if "brand" in data.model_fields_set:
        product.brand = data.brand
    if data.status is not None:
        product.status = data.status
    if data.currency is not None and data.currency != product.currency:
        product.currency = data.currency
        await session.execute(
            update(Variant).where(Variant.product_id == product.id).values(currency=data.currency)
        )
    if data.images is not None:
        await session.execute(delete(ProductImage).where(ProductImage.product_id == product.id))
        _set_images(session, product.id, data.images)
    if data.variants is not None:
        await _replace_variants(session, product, data.variants)
    product.updated_at = utcnow()  # also when only images or variants changed
    await _flush_or_conflict(session, "A product with this slug already exists")
    return product


async def _replace_variants(
    session: AsyncSession, product: Product, wanted: list[VariantIn]
) -> None:
    _refuse_repeated_skus(wanted)
    taken = await _skus_owned_elsewhere(session, [v.sku for v in wanted], product.id)
    if taken:
        raise Conflict("These skus belong to another product", skus=taken)
    existing = {
        v.sku: v
        for v in (
            await session.scalars(select(Variant).where(Variant.product_id == product.id))
        ).all()
    }
    new_stock = []
    for position, data in enumerate(wanted):
        variant = existing.pop(data.sku, None)
        if variant is None:
            session.add(_new_variant(product.id, data, position, product.currency))
            new_stock.append(data)
            continue
        variant.name = data.name
        variant.attributes = dict(data.attributes)
        variant.price = data.price  # past orders keep the price they were placed at
        variant.position = position
        variant.active = True
    for retired in existing.values():
        retired.active = False
    await _flush_or_conflict(session, "A sku of this product already exists")
    for data in new_stock:
        session.add(
            InventoryItem(
                sku=data.sku, on_hand=data.on_hand, reserved=0, reorder_level=data.reorder_level
            )
        )
    await session.flush()
    await _refresh_price_range(session, product)


async def archive_product(session: AsyncSession, *, product_id: uuid.UUID) -> None:
    product = await _locked(session, Product, product_id, "No such product")
    product.status = PRODUCT_ARCHIVED
    await session.flush()


async def list_all_products(
    session: AsyncSession, *, status: str | None, q: str | None, page: int, page_size: int
) -> tuple[list[tuple[Product, Category]], int]:
    where = []
    if status:
        where.append(Product.status == status)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(Product.name.ilike(f"%{escaped}%"))
    total = int(await session.scalar(select(func.count()).select_from(Product).where(*where)) or 0)
    query = select(Product, Category).join(Category, Category.id == Product.category_id)
    page_query = newest_first(query.where(*where), Product, page=page, page_size=page_size)
    rows = (await session.execute(page_query)).all()
    return [(p, c) for p, c in rows], total


async def list_stock(
    session: AsyncSession, *, low_only: bool, page: int, page_size: int
) -> tuple[list[dict[str, object]], int]:
    """Stock per sku with its product, lowest availability first; `low_only`: at or below
    the reorder level (what LOW_STOCK alerts are about)."""
    available = InventoryItem.on_hand - InventoryItem.reserved
    where = [available <= InventoryItem.reorder_level] if low_only else []
    total = int(
        await session.scalar(select(func.count()).select_from(InventoryItem).where(*where)) or 0
    )
    rows = await session.execute(
        select(InventoryItem, Variant, Product.id, Product.name, Product.status)
        .join(Variant, Variant.sku == InventoryItem.sku)
        .join(Product, Product.id == Variant.product_id)
        .where(*where)
        .order_by(available, InventoryItem.sku)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    items = [
        {
            "sku": item.sku,
            "on_hand": item.on_hand,
            "reserved": item.reserved,
            "available": item.available,
            "reorder_level": item.reorder_level,
            "product_id": product_id,
            "product_name": product_name,
            "variant_name": variant.name,
            "product_status": product_status,
            "variant_active": variant.active,
        }
        for item, variant, product_id, product_name, product_status in rows.all()
    ]
    return items, total
