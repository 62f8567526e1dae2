"""Product reviews (one per user and product) and the verified-purchase answers behind them.

`PurchaseCheck` keeps, per (user, product), the newest answer identity-commerce gave to "did
this user buy this product?" and when it was asked; a review's `verified_purchase` copies it.
Answers are applied newest-asked-first wins, so a slow answer given before a refund can never
overwrite the one asked after it (docs/adr/0017-catalog-verified-purchase.md).
"""

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
    # Set while identity-commerce has not answered for this review (it was down when the
    # review was written): the recheck job asks again from this time on. None once answered.
    verification_due_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
        Index("ix_reviews_product_newest", "product_id", "created_at"),
        Index(
            "ix_reviews_verification_due",
            "verification_due_at",
            postgresql_where="verification_due_at IS NOT NULL",
        ),
    )


class PurchaseCheck(Base):
    """The newest verified-purchase answer for one user and product."""

    __tablename__ = "purchase_checks"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    verified: Mapped[bool] = mapped_column(Boolean)
    # The database clock just before identity-commerce was asked: the answer describes its
    # orders at this moment or later.
    asked_at: Mapped[datetime]
