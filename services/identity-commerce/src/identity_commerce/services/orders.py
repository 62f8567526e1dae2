"""Orders: loading them (own or any), changing their status through the state machine with a
timeline entry, the outbox events they emit, and the shipment they show."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from shopkit.errors import NotFound
from shopkit.events import EventType, make_event
from shopkit.http import UpstreamUnavailable
from shopkit.outbox import add_event
from shopkit.pages import count_rows, newest_first, one_page
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from identity_commerce.clients.catalog import CatalogClient, Fulfillment
from identity_commerce.models import (
    Order,
    OrderItem,
    OrderReturn,
    OrderStatusChange,
    OutboxMessage,
    Payment,
)
from identity_commerce.services.orders_state_machine import (
    PAID_STATUSES,
    STOCK_RETURNS_ON_REFUND,
    OrderStatus,
    ensure_transition,
)

log = logging.getLogger("identity_commerce.orders")
SOURCE = "identity-commerce"
STRIPE_ACTOR = "stripe"
SYSTEM_ACTOR = "system"
# Only an order that was delivered can have returns (and it stays in one of these).
MAY_HAVE_RETURNS = frozenset(
    {OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}
)


def customer_actor(user_id: uuid.UUID) -> str:
    return f"customer:{user_id}"


def admin_actor(user_id: uuid.UUID | str) -> str:
    return f"admin:{user_id}"


# --- loading ------------------------------------------------------------------------------
async def lock_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID | None = None,
    guest_cart_id: uuid.UUID | None = None,
    wait: bool = True,
) -> Order | None:
    """The order with its payment and items, its row locked until the transaction ends.

    Confirm, webhooks, the expiry sweeper, cancel and admin changes all lock first, so only
    one of them moves an order at a time and the others then see the new status.
    `user_id` limits the search to that customer's orders (anyone else's is "not found").
    """
    statement = (
        select(Order)
        # One round trip: the row lock covers only `orders`, the joins just read along.
        .options(joinedload(Order.payment), joinedload(Order.items))
        .where(Order.id == order_id)
        .with_for_update(of=Order, skip_locked=not wait)
        .execution_options(populate_existing=True)
    )
    if user_id is not None:
        statement = statement.where(Order.user_id == user_id)
    if guest_cart_id is not None:
        statement = statement.where(Order.guest_cart_id == guest_cart_id)
    return (await session.scalars(statement)).unique().one_or_none()


async def lock_order_or_404(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID | None = None,
    guest_cart_id: uuid.UUID | None = None,
) -> Order:
    order = await lock_order(
        session, order_id=order_id, user_id=user_id, guest_cart_id=guest_cart_id
    )
    if order is None:
        raise NotFound("Order not found")
    return order


async def get_order_detail(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID | None = None,
    guest_token: str | None = None,
) -> Order:
    """The order with everything its detail view shows; 404 when absent, not the user's,
    or (`guest_token`) not the guest order of that token."""
    statement = (
        select(Order)
        .options(
            joinedload(Order.payment).selectinload(Payment.refunds),
            selectinload(Order.items),
            selectinload(Order.timeline),
            selectinload(Order.returns),
        )
        .where(Order.id == order_id)
        .execution_options(populate_existing=True)
    )
    if user_id is not None:
        statement = statement.where(Order.user_id == user_id)
    if guest_token is not None:
        statement = statement.where(Order.guest_token == guest_token)
    order = (await session.scalars(statement)).unique().one_or_none()
    if order is None:
        raise NotFound("Order not found")
    return order


async def load_timeline_and_refunds(session: AsyncSession, order: Order) -> None:
    """After a change: read the timeline (and refunds) again so the response shows them."""
    await session.flush()
    timeline = await session.scalars(
        select(OrderStatusChange)
        .where(OrderStatusChange.order_id == order.id)
        .order_by(OrderStatusChange.at, OrderStatusChange.seq)
    )
    set_committed_value(order, "timeline", list(timeline))
    if order.status in MAY_HAVE_RETURNS:
        returns = await session.scalars(
            select(OrderReturn)
            .where(OrderReturn.order_id == order.id)
            .order_by(OrderReturn.created_at, OrderReturn.id)
        )
        set_committed_value(order, "returns", list(returns))
    else:  # never delivered: no returns, and no query (checkout's statement budget)
        set_committed_value(order, "returns", [])
    payment = order.payment
    if payment is None or "refunds" not in inspect(payment).unloaded:
        return
    if payment.refunded_amount == 0:
        set_committed_value(payment, "refunds", [])  # nothing refunded: no query needed
    else:
        await session.refresh(payment, ["refunds"])


@dataclass(frozen=True)
class OrderListRow:
    order: Order
    item_count: int


async def list_orders(
    session: AsyncSession,
    *,
    page: int,
    page_size: int,
    user_id: uuid.UUID | None = None,
    status: str | None = None,
) -> tuple[list[OrderListRow], int]:
    """Newest first; one query for the page (with item counts) and one for the total."""
    filters = []
    if user_id is not None:
        filters.append(Order.user_id == user_id)
    if status is not None:
        filters.append(Order.status == status)
    item_count = (
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .where(OrderItem.order_id == Order.id)
        .scalar_subquery()
    )
    listed = select(Order, item_count).where(*filters).order_by(*newest_first(Order))
    rows = (await session.execute(one_page(listed, page, page_size))).all()
    total = await count_rows(session, Order, *filters)
    return [OrderListRow(order=o, item_count=int(n)) for o, n in rows], total


# --- changing -----------------------------------------------------------------------------
def stock_on_shelf(order: Order) -> bool:
    """Whether the order's committed units are still in the warehouse (paid, never shipped),
    so refunding the whole order puts them back."""
    if order.status == OrderStatus.PARTIALLY_REFUNDED:
        return order.tracking_number is None
    return order.status in STOCK_RETURNS_ON_REFUND


def change_status(
    session: AsyncSession,
    order: Order,
    target: OrderStatus,
    *,
    actor: str,
    note: str | None = None,
) -> None:
    """Move the order along the state machine (409 if not allowed) and record it."""
    ensure_transition(order.status, target)
    log.info(
        "order %s %s -> %s by %s",
        order.number,
        order.status,
        target.value,
        actor,
        extra={"fields": {"order_id": str(order.id), "from": order.status, "to": target.value}},
    )
    order.status = target.value
    add_timeline_note(session, order, actor=actor, note=note)


def add_timeline_note(session: AsyncSession, order: Order, *, actor: str, note: str | None) -> None:
    """A timeline entry at the order's current status (also used for notes without a move)."""
    session.add(OrderStatusChange(order_id=order.id, status=order.status, actor=actor, note=note))


def order_event_data(order: Order, **extra: Any) -> dict[str, Any]:
    """The `data` of every order event (docs/contracts.md)."""
    return {
        "order_id": str(order.id),
        "order_number": order.number,
        "user_id": str(order.user_id) if order.user_id is not None else None,
        "email": order.customer_email,
        "customer_name": order.customer_name,
        "phone": order.customer_phone,
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "quantity": item.quantity,
                "unit_price": f"{item.unit_price:.2f}",
                "line_total": f"{item.line_total:.2f}",
            }
            for item in order.items
        ],
        "subtotal": f"{order.subtotal:.2f}",
        "discount": f"{order.discount:.2f}",
        "promo_code": order.promo_code,
        "shipping": f"{order.shipping:.2f}",
        "shipping_method": order.shipping_method,
        "tax": f"{order.tax:.2f}",
        "total": f"{order.total:.2f}",
        "currency": order.currency,
        # A guest order's emails link to it with its token (no account to sign in to).
        **({"order_token": order.guest_token} if order.guest_token else {}),
        **extra,
    }


def emit_order_event(
    session: AsyncSession, order: Order, event_type: EventType, **extra: Any
) -> None:
    """Queue the event in the outbox, in the same transaction as the change it reports."""
    add_event(
        session,
        OutboxMessage,
        make_event(event_type, source=SOURCE, data=order_event_data(order, **extra)),
        aggregate_id=order.id,
    )


# --- showing ------------------------------------------------------------------------------
async def live_fulfillment(order: Order, inventory: CatalogClient) -> Fulfillment | None:
    """The shipment from catalog-fulfillment when there is one; when it is down the facts
    mirrored on the order are shown instead."""
    if order.tracking_number is None:
        return None
    try:
        return await inventory.get_fulfillment(order.id)
    except UpstreamUnavailable:
        return None


async def has_verified_purchase(
    session: AsyncSession, *, user_id: uuid.UUID, product_id: uuid.UUID
) -> bool:
    paid = [s.value for s in PAID_STATUSES]
    found = await session.scalar(
        select(OrderItem.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            Order.user_id == user_id,
            Order.status.in_(paid),
            OrderItem.product_id == product_id,
        )
        .limit(1)
    )
    return found is not None
