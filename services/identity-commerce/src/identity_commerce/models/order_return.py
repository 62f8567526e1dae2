"""Returns: a shopper asks to send back units of a delivered order; an admin approves or
rejects, and receiving the parcel refunds and restocks those units (services/returns.py)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from shopkit.db import Timestamps
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base, one_of


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    RECEIVED = "received"


class OrderReturn(Timestamps, Base):
    __tablename__ = "order_returns"
    __table_args__ = (
        one_of("status", ReturnStatus, name="status_known"),
        Index("ix_order_returns_status_created_at", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ReturnStatus.REQUESTED.value)
    reason: Mapped[str] = mapped_column(Text)
    # [{"sku", "name", "quantity"}]: copies, like the order's lines.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    requested_by: Mapped[str] = mapped_column(String(80))  # customer:<id>
    # The admin's word on approve/reject/receive (shown to the shopper).
    note: Mapped[str | None] = mapped_column(Text)
    # The refund made when the parcel was received.
    refund_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("payment_refunds.id", ondelete="SET NULL")
    )
