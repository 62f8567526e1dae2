"""Orders as they were bought: prices, names and addresses are copies, never references.

The catalog may change a price or archive a product and a user may edit or delete an
address; an order keeps what the customer saw and paid for.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shopkit.db import Timestamps, utcnow
from shopkit.money import MoneyColumn
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Sequence,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from identity_commerce.db.base import Base, one_of
from identity_commerce.models.order_status import OrderStatus

if TYPE_CHECKING:
    from identity_commerce.models.order_return import OrderReturn
    from identity_commerce.models.payment import Payment

ORDER_NUMBER_SEQUENCE = Sequence("order_number_seq", metadata=Base.metadata)
# "SO-2026-000123": year of placement and a gap-tolerant counter, readable over the phone.
# The counter has at least six digits and grows past them (SO-2026-1000000): '0' places are
# always printed, '9' places only when needed, so nothing is ever cut off.
ORDER_NUMBER_DIGITS = "FM9999999999999000000"
ORDER_NUMBER_DEFAULT = text(
    "'SO-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' "
    f"|| to_char(nextval('order_number_seq'), '{ORDER_NUMBER_DIGITS}')"
)


class Order(Timestamps, Base):
    __tablename__ = "orders"
    __table_args__ = (
        one_of("status", OrderStatus, name="status_known"),
        CheckConstraint("total = subtotal - discount + shipping + tax", name="total_adds_up"),
        CheckConstraint("discount >= 0 AND discount <= subtotal", name="discount_within_subtotal"),
        CheckConstraint(
            "user_id IS NOT NULL OR guest_token IS NOT NULL", name="account_or_guest_token"
        ),
        Index(
            "ix_orders_guest_cart_id",
            "guest_cart_id",
            postgresql_where=text("guest_cart_id IS NOT NULL"),
        ),
        Index("ix_orders_user_id_created_at", "user_id", "created_at"),
        Index("ix_orders_status_created_at", "status", "created_at"),
        Index("ix_orders_created_at", "created_at"),  # sales reports over a date range
        # A promotion's uses are the orders carrying its code (services/promotions.py).
        Index(
            "ix_orders_promo_code", "promo_code", postgresql_where=text("promo_code IS NOT NULL")
        ),
        # The expiry sweeper's query: only unpaid orders, by deadline.
        Index(
            "ix_orders_pending_expiry",
            "reservation_expires_at",
            postgresql_where=text("status = 'pending_payment'"),
        ),
    )
    # The INSERT returns the generated number, no second round trip.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(
        String(32), unique=True, server_default=ORDER_NUMBER_DEFAULT
    )
    # None for a guest order: it is shown to whoever holds `guest_token` (its emails carry
    # the link), and `guest_cart_id` is the cart it was bought from (per-cart limits).
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    guest_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    guest_cart_id: Mapped[uuid.UUID | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(24), default=OrderStatus.PENDING_PAYMENT.value)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(MoneyColumn)
    shipping: Mapped[Decimal] = mapped_column(MoneyColumn)
    tax: Mapped[Decimal] = mapped_column(MoneyColumn)
    # total = subtotal - discount + tax + shipping. The promotion and shipping method are
    # copied onto the order at checkout: later edits to either never reprice a placed order.
    discount: Mapped[Decimal] = mapped_column(
        MoneyColumn, server_default=text("0"), default=Decimal(0)
    )
    promo_code: Mapped[str | None] = mapped_column(String(64))
    shipping_method: Mapped[str | None] = mapped_column(String(100))
    total: Mapped[Decimal] = mapped_column(MoneyColumn)
    customer_email: Mapped[str] = mapped_column(String(320))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(32))
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSONB)
    billing_address: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reservation_expires_at: Mapped[datetime] = mapped_column()
    # Shipment facts mirrored from catalog-fulfillment, so the order reads without it.
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(128))
    tracking_url: Mapped[str | None] = mapped_column(String(1000))
    # Why an admin must look at this order (e.g. Stripe took another amount than the order's
    # total); such an order is neither marked paid nor expired by the sweeper.
    attention: Mapped[str | None] = mapped_column(Text)
    # The expiry sweeper's per-order backoff: an order whose expiry keeps failing (Stripe or
    # the catalog refusing) waits longer each time instead of blocking the others.
    expiry_attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    expiry_retry_at: Mapped[datetime | None] = mapped_column()

    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderItem.position"
    )
    timeline: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order",
        lazy="raise",
        order_by="(OrderStatusChange.at, OrderStatusChange.seq)",
    )
    payment: Mapped[Payment | None] = relationship(
        back_populates="order", lazy="raise", uselist=False
    )
    returns: Mapped[list[OrderReturn]] = relationship(
        lazy="raise", order_by="(OrderReturn.created_at, OrderReturn.id)"
    )


class OrderItem(Base):
    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("line_total = unit_price * quantity", name="line_total_adds_up"),
        CheckConstraint(
            "refunded_quantity >= 0 AND refunded_quantity <= quantity",
            name="refunded_quantity_within_quantity",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    sku: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    variant_id: Mapped[uuid.UUID | None] = mapped_column()
    name: Mapped[str] = mapped_column(String(300))
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    quantity: Mapped[int] = mapped_column()
    line_total: Mapped[Decimal] = mapped_column(MoneyColumn)
    # Units already refunded (by line refunds and received returns): never refunded twice.
    refunded_quantity: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")

    @property
    def refundable_quantity(self) -> int:
        return self.quantity - self.refunded_quantity


class OrderStatusChange(Base):
    """The order's timeline: one row per status it entered, with who did it and why."""

    __tablename__ = "order_status_changes"
    __table_args__ = (Index("ix_order_status_changes_order_id_seq", "order_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity())  # tie-break within one instant
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))  # customer | admin:<id> | stripe | system
    at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="timeline", lazy="raise")
