"""Turn models into response schemas (absolute image URLs, prices, ratings, stock).

Stock is shown to everyone as a level (in_stock, low_stock, out_of_stock); the exact units
only when the caller may see them (`exact_stock`: admin and service tokens).
"""

from __future__ import annotations

from typing import Any

from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.models import Category, Product
from catalog_fulfillment.schemas.catalog import (
    CategoryRef,
    ImageOut,
    ProductDetail,
    ProductSummary,
    StockLevel,
    VariantLookup,
    VariantOut,
)
from catalog_fulfillment.services.catalog import ProductView


def public_url(settings: Settings, url: str | None) -> str | None:
    """Stored paths like /static/products/x.svg become absolute; full URLs stay as they are."""
    if url and url.startswith("/"):
        return settings.public_url.rstrip("/") + url
    return url


def stock_level(available: int, reorder_level: int, *, sellable: bool = True) -> StockLevel:
    if not sellable or available <= 0:
        return "out_of_stock"
    if available <= reorder_level:
        return "low_stock"
    return "in_stock"


def category_ref(category: Category) -> CategoryRef:
    return CategoryRef(id=category.id, name=category.name, slug=category.slug)


def product_summary(settings: Settings, row: dict[str, Any]) -> ProductSummary:
    product: Product = row["product"]
    return ProductSummary(
        id=product.id,
        name=product.name,
        slug=product.slug,
        brand=product.brand,
        price=product.min_price,
        currency=product.currency,
        image_url=public_url(settings, row["image_url"]),
        category=category_ref(row["category"]),
        rating_avg=float(product.rating_avg),
        rating_count=product.rating_count,
        in_stock=row["in_stock"],
    )


def product_detail(settings: Settings, view: ProductView, *, exact_stock: bool) -> ProductDetail:
    product = view.product
    return ProductDetail(
        id=product.id,
        name=product.name,
        slug=product.slug,
        brand=product.brand,
        description=product.description,
        status=product.status,
        category=category_ref(view.category),
        images=[
            ImageOut(id=i.id, url=public_url(settings, i.url) or "", alt=i.alt) for i in view.images
        ],
        variants=[
            VariantOut(
                id=v.id,
                sku=v.sku,
                name=v.name,
                attributes=v.attributes,
                price=v.price,
                currency=v.currency,
                available=max(available, 0) if exact_stock else None,
                stock_level=stock_level(available, reorder_level, sellable=v.active),
                in_stock=available > 0 and v.active,
                active=v.active,
            )
            for v, available, reorder_level in view.variants
        ],
        price=product.min_price,
        currency=product.currency,
        rating_avg=float(product.rating_avg),
        rating_count=product.rating_count,
        in_stock=any(available > 0 for _, available, _ in view.variants),
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def variant_lookup(settings: Settings, row: dict[str, Any], *, exact_stock: bool) -> VariantLookup:
    variant, product = row["variant"], row["product"]
    available = max(row["available"], 0) if row["active"] else 0
    return VariantLookup(
        sku=variant.sku,
        variant_id=variant.id,
        product_id=product.id,
        product_name=product.name,
        variant_name=variant.name,
        attributes=variant.attributes,
        price=variant.price,
        currency=variant.currency,
        image_url=public_url(settings, row["image_url"]),
        active=row["active"],
        available=available if exact_stock else None,
        stock_level=stock_level(available, row["reorder_level"]),
    )
