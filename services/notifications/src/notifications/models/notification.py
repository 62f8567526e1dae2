"""What notifications remembers: each event it handled (idempotency) and each message sent."""

from __future__ import annotations

import uuid
from datetime import datetime

from shopkit.db import utcnow
from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notifications.db.base import Base


class HandledEvent(Base):
    """One row per event id: the primary key is what makes a redelivered event a no-op."""

    __tablename__ = "handled_events"

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    message_count: Mapped[int] = mapped_column(default=0, server_default="0")

    messages: Mapped[list[SentMessage]] = relationship(back_populates="event", lazy="raise")

    # retention deletes events (and, by cascade, their messages) by age
    __table_args__ = (Index("ix_handled_events_received_at", "received_at"),)


class SentMessage(Base):
    """The sent log: one row per email or SMS handed to a provider."""

    __tablename__ = "sent_messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("handled_events.event_id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))  # "email" | "sms"
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(255))  # RFC 5322 Message-ID or SMS id
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    event: Mapped[HandledEvent] = relationship(back_populates="messages", lazy="raise")

    __table_args__ = (
        Index("ix_sent_messages_event_type_sent_at", "event_type", "sent_at"),
        Index("ix_sent_messages_recipient_lower", func.lower(recipient)),
        Index("ix_sent_messages_event_id", "event_id"),
        Index("ix_sent_messages_sent_at", "sent_at"),
    )
