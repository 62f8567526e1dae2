"""Public catalog responses: category tree, product listings, product detail, variant lookup."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from shopkit.money import Money
from shopkit.pages import CursorPage

# What everyone sees of a variant's stock: out_of_stock (nothing to sell), low_stock (at or
# below the sku's reorder level) or in_stock. Exact units only go to admin and service tokens.
StockLevel = Literal["in_stock", "low_stock", "out_of_stock"]
EXACT_UNITS = (
    "Units that can be sold now (on hand - reserved); only for admin and service tokens, "
    "null for everyone else"
)


class CategoryRef(BaseModel):
    id: uuid.UUID
    name: str
    slug: str


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


class VariantLookupPage(BaseModel):
    items: list[VariantLookup]
