"""Payments (one Stripe PaymentIntent per order), refunds, the Stripe events already handled
and the Idempotency-Key replies of checkout."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shopkit.db import Timestamps, utcnow
from shopkit.money import MoneyColumn
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from identity_commerce.db.base import Base

if TYPE_CHECKING:
    from identity_commerce.models.order import Order


class Payment(Timestamps, Base):
    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), unique=True
    )
    provider: Mapped[str] = mapped_column(String(16), default="stripe")
    payment_intent_id: Mapped[str] = mapped_column(String(255), unique=True)
    # Handed to the browser for Stripe.js; kept so an Idempotency-Key replay can answer it.
    client_secret: Mapped[str | None] = mapped_column(String(255))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    currency: Mapped[str] = mapped_column(String(3))
    # Stripe's PaymentIntent status as last seen (succeeded, requires_payment_method, ...).
    status: Mapped[str] = mapped_column(String(32))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    refunded_amount: Mapped[Decimal] = mapped_column(MoneyColumn, default=Decimal("0.00"))

    order: Mapped[Order] = relationship(back_populates="payment", lazy="raise")
    refunds: Mapped[list[Refund]] = relationship(
        back_populates="payment", lazy="raise", order_by="Refund.created_at"
    )


class Refund(Base):
    """One refund through Stripe. A refund asked for at `POST /admin/orders/{id}/refunds`
    also records its Idempotency-Key (with the body's hash), the lines it covered (`lines`:
    sku, name, quantity, amount), what of it was for goods and for shipping, and whether its
    lines were restocked."""

    __tablename__ = "payment_refunds"
    __table_args__ = (
        UniqueConstraint("payment_id", "idempotency_key"),
        # Sales reports count refunds by when they happened.
        Index("ix_payment_refunds_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    stripe_refund_id: Mapped[str] = mapped_column(String(255), unique=True)
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    goods_amount: Mapped[Decimal] = mapped_column(MoneyColumn, default=Decimal("0.00"))
    shipping_amount: Mapped[Decimal] = mapped_column(MoneyColumn, default=Decimal("0.00"))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    restock: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds", lazy="raise")


class ProcessedStripeEvent(Base):
    """Stripe delivers webhooks at least once; the primary key makes a replay a no-op."""

    __tablename__ = "stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)


class IdempotencyKey(Base):
    """The first reply to a checkout made with an `Idempotency-Key`, per user (or guest
    cart) and key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_id_key"),
        UniqueConstraint("guest_cart_id", "key", name="uq_idempotency_keys_guest_cart_id_key"),
        CheckConstraint("(user_id IS NULL) <> (guest_cart_id IS NULL)", name="one_owner"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    guest_cart_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("guest_carts.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(255))
    # Hash of the request body: the same key with a different body is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID | None] = mapped_column()
    status_code: Mapped[int | None] = mapped_column()
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
