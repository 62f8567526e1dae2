"""Promotions: codes a shopper types in for a discount, and the code a cart carries.

A promotion is never deleted (orders name its code): DELETE deactivates it. Its uses are not
a counter on this row but the orders that carry its code (`orders.promo_code`): an order
awaiting payment holds a use (reserved), a paid one has used it, an expired, cancelled or
failed one gives it back by its status alone. See services/promotions.py for the locking.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from shopkit.db import Timestamps, UUIDPrimaryKey
from shopkit.money import MoneyColumn
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class PromotionKind(enum.StrEnum):
    percent = "percent"  # value: percent of the subtotal (0-100)
    fixed = "fixed"  # value: an amount off the subtotal, at most the subtotal


class Promotion(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "promotions"
    __table_args__ = (
        # Codes are case-insensitive: stored upper-cased, so the unique constraint is too.
        CheckConstraint("code = upper(btrim(code))", name="code_normalised"),
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
        # A value of 0, or a window that ends before it starts, is allowed: such a code never
        # takes anything off (schemas/pricing_admin.py says why).
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("kind <> 'percent' OR value <= 100", name="percent_at_most_100"),
        CheckConstraint("usage_limit IS NULL OR usage_limit > 0", name="usage_limit_positive"),
        CheckConstraint(
            "per_customer_limit IS NULL OR per_customer_limit > 0",
            name="per_customer_limit_positive",
        ),
    )

    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    min_subtotal: Mapped[Decimal | None] = mapped_column(MoneyColumn)
    starts_at: Mapped[datetime | None] = mapped_column()
    ends_at: Mapped[datetime | None] = mapped_column()
    usage_limit: Mapped[int | None] = mapped_column()
    per_customer_limit: Mapped[int | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))


class CartPromotion(UUIDPrimaryKey, Base):
    """The promotion applied to an account's cart or to a guest cart (exactly one owner).
    Checked again at checkout: the cart only remembers which code the shopper typed."""

    __tablename__ = "cart_promotions"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (guest_cart_id IS NULL)", name="one_owner"),
    )

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    guest_cart_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("guest_carts.id", ondelete="CASCADE"), unique=True
    )
    promotion_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("promotions.id", ondelete="CASCADE"), index=True
    )
