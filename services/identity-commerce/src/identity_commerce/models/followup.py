"""Work that has to happen after an order was refunded or cancelled, recorded in the same
transaction as that change and done until it succeeds (services/order_followups.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from shopkit.db import utcnow
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class FollowUpKind(StrEnum):
    RESTOCK = "restock"  # put the committed units back on hand
    REVERIFY_REVIEWS = "reverify_reviews"  # the order no longer makes a verified purchase


class FollowUpStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # refused for good (e.g. unknown sku); logged for an admin


class OrderFollowUp(Base):
    __tablename__ = "order_followups"
    __table_args__ = (
        # One of each kind per order and key, whichever refund path records it first: the
        # whole-order follow-ups have the empty key, a partial refund's restock its own.
        UniqueConstraint("order_id", "kind", "key", name="uq_order_followups_order_id_kind_key"),
        Index(
            "ix_order_followups_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(120), default="", server_default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default=FollowUpStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column()
