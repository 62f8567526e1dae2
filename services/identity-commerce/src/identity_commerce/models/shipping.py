"""Shipping zones (sets of countries) and the methods offered in each.

A zone without countries covers every country no other zone names. With no method at all
configured, checkout falls back to the flat rule in settings, shown as "Standard"
(services/shipping.py), so a fresh database still sells.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from shopkit.db import Timestamps, UUIDPrimaryKey
from shopkit.money import MoneyColumn
from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class ShippingZone(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "shipping_zones"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    # ISO alpha-2, upper case; empty: every country no other zone lists ("rest of world").
    countries: Mapped[list[str]] = mapped_column(
        ARRAY(String(2)), default=list, server_default=text("'{}'")
    )


class ShippingMethod(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "shipping_methods"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("free_over IS NULL OR free_over >= 0", name="free_over_not_negative"),
    )

    zone_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shipping_zones.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[Decimal] = mapped_column(MoneyColumn)
    # Free when the discounted subtotal reaches it; None: never free.
    free_over: Mapped[Decimal | None] = mapped_column(MoneyColumn)
    delivery_estimate: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
