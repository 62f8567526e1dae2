"""Product reviews: one per user and product."""

from __future__ import annotations

import uuid
from datetime import datetime

from shopkit.db import UUIDPrimaryKey, utcnow
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalog_fulfillment.db.base import Base


class Review(UUIDPrimaryKey, Base):
    __tablename__ = "reviews"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID]
    author_name: Mapped[str] = mapped_column(String(120))
    rating: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text)
    verified_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
        Index("ix_reviews_product_newest", "product_id", "created_at"),
    )
