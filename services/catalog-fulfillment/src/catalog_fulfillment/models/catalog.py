"""Catalog: the category tree, products, their images and variants (one SKU each)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopkit.db import Timestamps, UUIDPrimaryKey, utcnow
from shopkit.money import MoneyColumn
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog_fulfillment.db.base import Base

PRODUCT_ACTIVE = "active"
PRODUCT_ARCHIVED = "archived"

# Name outweighs description in search ranking (weights A and B of the tsvector).
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)


class Category(UUIDPrimaryKey, Base):
    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)


class Product(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "products"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    brand: Mapped[str | None] = mapped_column(String(120))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(
        String(16), default=PRODUCT_ACTIVE, server_default=PRODUCT_ACTIVE
    )
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # Denormalised from the active variants and reviews so that listing, sorting and
    # filtering at 100k products is one index scan; written only by admin and review code.
    min_price: Mapped[Decimal] = mapped_column(
        MoneyColumn, default=Decimal("0.00"), server_default="0"
    )
    max_price: Mapped[Decimal] = mapped_column(
        MoneyColumn, default=Decimal("0.00"), server_default="0"
    )
    rating_avg: Mapped[Decimal] = mapped_column(
        Numeric(3, 2), default=Decimal("0.00"), server_default="0"
    )
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), deferred=True
    )

    images: Mapped[list[ProductImage]] = relationship(
        lazy="raise", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    variants: Mapped[list[Variant]] = relationship(
        lazy="raise", order_by="Variant.position", back_populates="product"
    )
    category: Mapped[Category] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("status IN ('active', 'archived')", name="status"),
        CheckConstraint("min_price >= 0 AND max_price >= min_price", name="price_range"),
        Index("ix_products_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "ix_products_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        # One index per sort order, each only over the products the catalog shows.
        Index(
            "ix_products_active_newest",
            "created_at",
            "id",
            postgresql_where="status = 'active'",
        ),
        Index("ix_products_active_price", "min_price", "id", postgresql_where="status = 'active'"),
        Index(
            "ix_products_active_rating",
            "rating_avg",
            "rating_count",
            "id",
            postgresql_where="status = 'active'",
        ),
        Index(
            "ix_products_active_category",
            "category_id",
            "created_at",
            postgresql_where="status = 'active'",
        ),
        # Price order within a category (and once the facet aggregate's index-only scan).
        Index(
            "ix_products_active_facets",
            "category_id",
            "min_price",
            postgresql_where="status = 'active'",
        ),
        Index(
            "ix_products_active_category_rating",
            "category_id",
            "rating_avg",
            "rating_count",
            "id",
            postgresql_where="status = 'active'",
        ),
    )


class ProductImage(UUIDPrimaryKey, Base):
    __tablename__ = "product_images"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Variant(UUIDPrimaryKey, Timestamps, Base):
    """One purchasable SKU. Never deleted: orders and reservations keep pointing at it."""

    __tablename__ = "variants"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    price: Mapped[Decimal] = mapped_column(MoneyColumn)
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    product: Mapped[Product] = relationship(lazy="raise", back_populates="variants")

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_variants_product_price", "product_id", "price"),
        Index("ix_variants_price_product", "price", "product_id", postgresql_where="active"),
    )


@dataclass
class ProductView:
    """A product as its page shows it: with its category, images and each variant's stock."""

    product: Product
    category: Category
    images: list[ProductImage]
    variants: list[tuple[Variant, int, int]]  # (variant, available units, reorder level)
