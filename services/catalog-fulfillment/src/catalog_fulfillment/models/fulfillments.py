"""Shipments of orders: created when an order ships, then tracked to delivery."""

from __future__ import annotations

import uuid
from datetime import datetime

from shopkit.db import Timestamps, UUIDPrimaryKey
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog_fulfillment.db.base import Base

SHIPPED = "shipped"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered"


class Fulfillment(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "fulfillments"

    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    carrier: Mapped[str] = mapped_column(String(60))
    tracking_number: Mapped[str] = mapped_column(String(120))
    tracking_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=SHIPPED)
    shipped_at: Mapped[datetime]
    in_transit_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('shipped', 'in_transit', 'delivered')", name="status"),
    )
