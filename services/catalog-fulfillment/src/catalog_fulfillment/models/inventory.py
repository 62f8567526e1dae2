"""Stock per SKU and the two-phase reservations that hold it for a checkout."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shopkit.db import Timestamps, utcnow
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog_fulfillment.db.base import Base

RESERVED = "reserved"
COMMITTED = "committed"
RELEASED = "released"
EXPIRED = "expired"


class InventoryItem(Timestamps, Base):
    __tablename__ = "inventory"

    sku: Mapped[str] = mapped_column(
        ForeignKey("variants.sku", ondelete="RESTRICT"), primary_key=True
    )
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reorder_level: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("reorder_level >= 0", name="reorder_level_not_negative"),
        # "in stock" lookups only need the SKUs that still have units to sell.
        Index("ix_inventory_available", "sku", postgresql_where="on_hand > reserved"),
    )

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Reservation(Timestamps, Base):
    """Stock held for one order: id is the caller's reservation_id (the order id)."""

    __tablename__ = "reservations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=RESERVED)
    expires_at: Mapped[datetime]
    committed_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]

    items: Mapped[list[ReservationItem]] = relationship(
        lazy="raise", order_by="ReservationItem.sku", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('reserved', 'committed', 'released', 'expired')", name="status"
        ),
        # The sweeper only ever looks at live reservations, oldest deadline first.
        Index("ix_reservations_live_expiry", "expires_at", postgresql_where="status = 'reserved'"),
    )


class ReservationItem(Base):
    __tablename__ = "reservation_items"

    reservation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(ForeignKey("variants.sku"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class Restock(Base):
    """Stock put back for a cancelled paid order; the key makes the call idempotent."""

    __tablename__ = "restocks"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)


__all__ = [
    "COMMITTED",
    "EXPIRED",
    "RELEASED",
    "RESERVED",
    "InventoryItem",
    "Reservation",
    "ReservationItem",
    "Restock",
]
