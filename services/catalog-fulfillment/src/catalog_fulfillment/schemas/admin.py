"""Admin request bodies: categories, products with variants/images/initial stock."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, WithJsonSchema
from shopkit.bodies import ClosedModel
from shopkit.fields import JSON_INTEGER, NUL_FREE, JsonInt, SafeText, Sku
from shopkit.money import Currency, MoneyIn
from shopkit.pages import Page

from catalog_fulfillment.schemas.catalog import ProductSummary
from catalog_fulfillment.schemas.common import trimmed_text

Slug = Annotated[str, Field(min_length=1, max_length=140, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Name = Annotated[str, *trimmed_text(200)]


class CategoryCreate(ClosedModel):
    name: Annotated[str, *trimmed_text(120)]
    slug: Slug | None = None
    description: SafeText = Field(default="", max_length=2000)
    parent_id: uuid.UUID | None = None
    position: JsonInt = Field(default=0, ge=0, le=10_000)


class CategoryUpdate(ClosedModel):
    """Only the fields given change. Moving a category under another parent is not offered
    (it could make a cycle); a new slug changes the category's address at once."""

    name: Annotated[str, *trimmed_text(120)] | None = None
    slug: Slug | None = None
    # constraints inside the optional type, so the OpenAPI states them on the value itself
    description: Annotated[SafeText, Field(max_length=2000)] | None = None
    position: Annotated[int, Field(ge=0, le=10_000), JSON_INTEGER] | None = None


class ImageIn(ClosedModel):
    url: SafeText = Field(
        min_length=1,
        max_length=2000,
        pattern=r"^(https?://|/static/|data:image/)",
        description="http(s) URL, a path under /static/, or a data:image URI",
    )
    alt: SafeText = Field(default="", max_length=300)


AttributeName = Annotated[SafeText, Field(min_length=1, max_length=60)]
AttributeValue = Annotated[SafeText, Field(max_length=200)] | int | float | bool
# Stated by hand: pydantic would put the key pattern under patternProperties, which leaves
# keys that do not match it (with a NUL) unconstrained instead of refused.
Attributes = Annotated[
    dict[AttributeName, AttributeValue],
    Field(max_length=30),
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": 30,
            "propertyNames": {"minLength": 1, "maxLength": 60, "pattern": NUL_FREE},
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "maxLength": 200, "pattern": NUL_FREE},
                    {"type": "integer"},
                    {"type": "number"},
                    {"type": "boolean"},
                ]
            },
        }
    ),
]


class VariantIn(ClosedModel):
    sku: Sku
    name: Name
    attributes: Attributes = Field(default_factory=dict)
    price: MoneyIn
    on_hand: JsonInt = Field(default=0, ge=0, le=10_000_000, description="Initial stock (new skus)")
    reorder_level: JsonInt = Field(default=5, ge=0, le=10_000_000)


class ProductCreate(ClosedModel):
    name: Name
    slug: Slug | None = None
    description: SafeText = Field(default="", max_length=20_000)
    brand: SafeText | None = Field(default=None, max_length=120)
    category_id: uuid.UUID
    currency: Currency = "USD"
    images: list[ImageIn] = Field(default_factory=list, max_length=20)
    variants: list[VariantIn] = Field(min_length=1, max_length=100)


class ProductUpdate(ClosedModel):
    """Only the fields given change. `variants`, when given, is the full new list: skus not
    in it are retired (kept for past orders, no longer sold), new skus get `on_hand`."""

    name: Name | None = None
    slug: Slug | None = None
    description: SafeText | None = Field(default=None, max_length=20_000)
    brand: SafeText | None = Field(default=None, max_length=120)
    category_id: uuid.UUID | None = None
    currency: Currency | None = None
    status: Literal["active", "archived"] | None = None
    images: list[ImageIn] | None = Field(default=None, max_length=20)
    variants: list[VariantIn] | None = Field(default=None, min_length=1, max_length=100)


class AdminProductSummary(ProductSummary):
    status: str


class AdminProductPage(Page[AdminProductSummary]):
    pass


class LowStockItem(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    reorder_level: int
    product_id: uuid.UUID
    product_name: str
    variant_name: str
    product_status: str
    variant_active: bool


class StockPage(Page[LowStockItem]):
    pass
