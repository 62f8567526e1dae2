"""Public catalog responses: category tree, product listings, product detail, variant lookup.

Each is built from the models (`ProductSummary.of(row, base_url=...)`): image paths become
absolute URLs under the service's public URL, and stock is shown to everyone as a level
(in_stock, low_stock, out_of_stock), the exact units only when the caller may see them
(`exact_stock`: admin and service tokens).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, Field
from shopkit.bodies import read_body
from shopkit.money import Money
from shopkit.pages import CursorPage

from catalog_fulfillment.models import Category, Product, ProductView, Variant

# What everyone sees of a variant's stock: out_of_stock (nothing to sell), low_stock (at or
# below the sku's reorder level) or in_stock. Exact units only go to admin and service tokens.
StockLevel = Literal["in_stock", "low_stock", "out_of_stock"]
EXACT_UNITS = (
    "Units that can be sold now (on hand - reserved); only for admin and service tokens, "
    "null for everyone else"
)


def absolute_url(base_url: str, url: str | None) -> str | None:
    """Stored paths like /static/products/x.svg become absolute; full URLs stay as they are."""
    if url and url.startswith("/"):
        return base_url.rstrip("/") + url
    return url


def stock_level(available: int, reorder_level: int, *, sellable: bool = True) -> StockLevel:
    if not sellable or available <= 0:
        return "out_of_stock"
    if available <= reorder_level:
        return "low_stock"
    return "in_stock"


class CategoryRef(BaseModel):
    id: uuid.UUID
    name: str
    slug: str

    @classmethod
    def of(cls, category: Category) -> CategoryRef:
        return cls(id=category.id, name=category.name, slug=category.slug)


class CategoryNode(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    description: str
    parent_id: uuid.UUID | None
    children: list[CategoryNode]


class ProductSummary(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    brand: str | None
    price: Money  # the lowest price of its variants ("from")
    currency: str
    image_url: str | None
    category: CategoryRef
    rating_avg: float
    rating_count: int
    in_stock: bool

    @classmethod
    def of(cls, row: dict[str, Any], *, base_url: str) -> Self:
        """From a listing row: `product`, `category`, `image_url` (its first image) and
        `in_stock`."""
        product: Product = row["product"]
        return read_body(
            cls,
            product,
            price=product.min_price,
            image_url=absolute_url(base_url, row["image_url"]),
            category=CategoryRef.of(row["category"]),
            rating_avg=float(product.rating_avg),
            in_stock=row["in_stock"],
        )


class CategoryFacet(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    count: int


class PriceBandFacet(BaseModel):
    min: Money
    max: Money | None  # None: open-ended top band
    count: int


class Facets(BaseModel):
    categories: list[CategoryFacet]
    price_bands: list[PriceBandFacet]


class ProductPage(CursorPage[ProductSummary]):
    # `total` is exact, unless total_estimated: a price or in-stock filter matched more
    # products than LISTING_EXACT_COUNT_LIMIT, and then total and the facet counts are
    # estimates (rounded to two significant digits) rather than a count of every match.
    total_estimated: bool = False
    facets: Facets
    # Set when no product had the words searched for and the results are for this
    # spelling-corrected query instead ("lapotp" -> "laptop"): "Showing results for ...".
    corrected_query: str | None = None
    typo_corrected: bool = False  # corrected_query is set
    # next_cursor is null on the last page and for a relevance ranking, which pages by
    # number only.


class ImageOut(BaseModel):
    id: uuid.UUID
    url: str
    alt: str


class VariantOut(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    attributes: dict[str, Any]
    price: Money
    currency: str
    available: int | None = Field(description=EXACT_UNITS)
    stock_level: StockLevel
    in_stock: bool
    active: bool = True  # false only in the admin view, for retired skus

    @classmethod
    def of(cls, variant: Variant, available: int, reorder_level: int, *, exact_stock: bool) -> Self:
        return read_body(
            cls,
            variant,
            available=max(available, 0) if exact_stock else None,
            stock_level=stock_level(available, reorder_level, sellable=variant.active),
            in_stock=available > 0 and variant.active,
        )


class ProductDetail(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    brand: str | None
    description: str
    status: str
    category: CategoryRef
    images: list[ImageOut]
    variants: list[VariantOut]
    price: Money
    currency: str
    rating_avg: float
    rating_count: int
    in_stock: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ProductView, *, base_url: str, exact_stock: bool) -> ProductDetail:
        product = view.product
        return read_body(
            cls,
            product,
            category=CategoryRef.of(view.category),
            images=[
                ImageOut(id=i.id, url=absolute_url(base_url, i.url) or "", alt=i.alt)
                for i in view.images
            ],
            variants=[
                VariantOut.of(v, available, reorder_level, exact_stock=exact_stock)
                for v, available, reorder_level in view.variants
            ],
            price=product.min_price,
            rating_avg=float(product.rating_avg),
            in_stock=any(available > 0 for _, available, _ in view.variants),
        )


class VariantLookup(BaseModel):
    sku: str
    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    variant_name: str
    attributes: dict[str, Any]
    price: Money
    currency: str
    image_url: str | None
    active: bool  # false when the variant or its product is archived: not for sale
    available: int | None = Field(description=EXACT_UNITS)
    stock_level: StockLevel

    @classmethod
    def of(cls, row: dict[str, Any], *, base_url: str, exact_stock: bool) -> VariantLookup:
        """From a lookup row: `variant`, `product`, `image_url`, `active`, `available` and
        `reorder_level`."""
        variant, product = row["variant"], row["product"]
        available = max(row["available"], 0) if row["active"] else 0
        return read_body(
            cls,
            variant,
            variant_id=variant.id,
            product_id=product.id,
            product_name=product.name,
            variant_name=variant.name,
            image_url=absolute_url(base_url, row["image_url"]),
            active=row["active"],
            available=available if exact_stock else None,
            stock_level=stock_level(available, row["reorder_level"]),
        )


class VariantLookupPage(BaseModel):
    items: list[VariantLookup]


class SitemapProduct(BaseModel):
    slug: str
    updated_at: datetime  # the sitemap's <lastmod>


class SitemapCategory(BaseModel):
    slug: str


class SitemapEntries(BaseModel):
    """Every category and every active product (never an archived one), at most 50,000
    URLs in all (one sitemap file's limit); `truncated` when products were left out."""

    categories: list[SitemapCategory]
    products: list[SitemapProduct]
    truncated: bool
