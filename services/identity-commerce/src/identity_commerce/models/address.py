"""Shipping and billing addresses of a user (an address book, not an order's copy)."""

from __future__ import annotations

import enum
import uuid

from shopkit.db import Timestamps, UUIDPrimaryKey
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class AddressKind(enum.StrEnum):
    shipping = "shipping"
    billing = "billing"


class Address(UUIDPrimaryKey, Timestamps, Base):
    """Orders must copy the fields they need: a user may edit or delete an address later."""

    __tablename__ = "addresses"
    __table_args__ = (
        CheckConstraint("kind IN ('shipping', 'billing')", name="kind_known"),
        CheckConstraint("country ~ '^[A-Z]{2}$'", name="country_alpha2"),
        # At most one default per user and kind, whatever the application does.
        Index(
            "uq_addresses_one_default_per_kind",
            "user_id",
            "kind",
            unique=True,
            postgresql_where=text("is_default"),
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
