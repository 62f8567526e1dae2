"""Returns: a shopper asks to send units of a delivered order back, an admin approves or
rejects, and receiving the parcel refunds and restocks those units through the refund path
(services/refunds.py). The life cycle is services/returns_state_machine.py.

Rules first:
- every step locks the order row before it reads the order's returns (the same lock the
  refunds take), so two requests for the same units, or a request racing a refund, run one
  after the other: a unit is returnable while it is neither refunded nor in an open
  (requested or approved) return, so no unit is returned twice;
- a return may be asked for within RETURN_WINDOW_DAYS of the delivery (the order's timeline
  says when it was delivered);
- receiving refunds with the Idempotency-Key `return-<id>`: a receive retried after a
  crash between Stripe and our commit finds Stripe's refund; a second receive is a 409 (the
  return is `received`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from shopkit.db import utcnow
from shopkit.errors import Conflict, NotFound
from shopkit.events import EventType
from shopkit.pages import newest_first
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import (
    Order,
    OrderReturn,
    OrderStatusChange,
    ReturnStatus,
)
from identity_commerce.services.orders import (
    add_timeline_note,
    emit_order_event,
    load_timeline_and_refunds,
    lock_order_or_404,
)
from identity_commerce.services.orders_state_machine import RETURNABLE, OrderStatus
from identity_commerce.services.refunds import LineRequest, merge_lines, refund_order
from identity_commerce.services.returns_state_machine import (
    OPEN_RETURNS,
    ensure_return_transition,
)

RETURN_CONFLICT_CODES = (
    "`not_returnable` (the order was not delivered, or is refunded), "
    "`return_window_closed`, `unknown_line` (a sku the order does not hold), "
    "`line_already_returned` (more units than are left to return)"
)


class ReturnRefused(Conflict):
    def __init__(self, detail: str, *, code: str, **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)


def return_event(
    session: AsyncSession, order: Order, order_return: OrderReturn, event_type: EventType
) -> None:
    emit_order_event(
        session,
        order,
        event_type,
        return_id=str(order_return.id),
        return_status=order_return.status,
        return_lines=order_return.lines,
        return_reason=order_return.reason,
        return_note=order_return.note,
    )


async def _delivered_at(session: AsyncSession, order_id: uuid.UUID) -> datetime | None:
    return await session.scalar(
        select(func.max(OrderStatusChange.at)).where(
            OrderStatusChange.order_id == order_id,
            OrderStatusChange.status == OrderStatus.DELIVERED.value,
        )
    )


async def _returns_of(session: AsyncSession, order_id: uuid.UUID) -> list[OrderReturn]:
    return list(
        (
            await session.scalars(
                select(OrderReturn)
                .where(OrderReturn.order_id == order_id)
                .order_by(OrderReturn.created_at, OrderReturn.id)
                .with_for_update()
            )
        ).all()
    )


async def request_return(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    lines: Sequence[LineRequest],
    reason: str,
    window: timedelta,
    actor: str,
) -> OrderReturn:
    """A shopper's return of units of their own delivered order (others' orders: 404)."""
    order = await lock_order_or_404(session, order_id=order_id, user_id=user_id)
    delivered_at = await _delivered_at(session, order.id)
    if order.status not in RETURNABLE or delivered_at is None:
        raise ReturnRefused(
            "Only a delivered order can be returned", code="not_returnable", status=order.status
        )
    if utcnow() - delivered_at > window:
        raise ReturnRefused(
            f"Returns are accepted within {window.days} days of delivery",
            code="return_window_closed",
        )
    open_units: dict[str, int] = {}
    for earlier in await _returns_of(session, order.id):
        if earlier.status in OPEN_RETURNS:
            for taken in earlier.lines:
                open_units[taken["sku"]] = open_units.get(taken["sku"], 0) + int(taken["quantity"])
    by_sku = {item.sku: item for item in order.items}
    copied = []
    for line in merge_lines(lines):
        item = by_sku.get(line.sku)
        if item is None:
            raise ReturnRefused(
                f"The order has no line with sku {line.sku}", code="unknown_line", sku=line.sku
            )
        left = item.refundable_quantity - open_units.get(line.sku, 0)
        if line.quantity > left:
            raise ReturnRefused(
                f"Only {max(left, 0)} of {line.sku} can still be returned",
                code="line_already_returned",
                sku=line.sku,
                returnable_quantity=max(left, 0),
            )
        copied.append({"sku": item.sku, "name": item.name, "quantity": line.quantity})
    order_return = OrderReturn(
        id=uuid.uuid4(),
        order_id=order.id,
        status=ReturnStatus.REQUESTED.value,
        reason=reason,
        lines=copied,
        requested_by=actor,
    )
    session.add(order_return)
    add_timeline_note(session, order, actor=actor, note=f"Return requested: {reason}")
    return_event(session, order, order_return, EventType.RETURN_REQUESTED)
    await session.flush()
    await session.refresh(order_return)
    return order_return


async def _locked_return(session: AsyncSession, return_id: uuid.UUID) -> tuple[Order, OrderReturn]:
    """The return and its order, the order row locked first (the order of locks every
    refund and return takes)."""
    order_id = await session.scalar(select(OrderReturn.order_id).where(OrderReturn.id == return_id))
    if order_id is None:
        raise NotFound("Return not found")
    order = await lock_order_or_404(session, order_id=order_id)
    order_return = await session.scalar(
        select(OrderReturn)
        .where(OrderReturn.id == return_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert order_return is not None  # returns are deleted only with their order
    return order, order_return


_EVENTS = {
    ReturnStatus.APPROVED: EventType.RETURN_APPROVED,
    ReturnStatus.REJECTED: EventType.RETURN_REJECTED,
}


async def decide_return(
    session: AsyncSession,
    *,
    return_id: uuid.UUID,
    target: ReturnStatus,
    note: str | None,
    actor: str,
) -> OrderReturn:
    """Approve or reject a requested return."""
    order, order_return = await _locked_return(session, return_id)
    ensure_return_transition(order_return.status, target)
    order_return.status = target.value
    order_return.note = note
    add_timeline_note(
        session, order, actor=actor, note=f"Return {target.value}" + (f": {note}" if note else "")
    )
    return_event(session, order, order_return, _EVENTS[target])
    await session.flush()
    await session.refresh(order_return)
    return order_return


def receive_key(return_id: uuid.UUID) -> str:
    return f"return-{return_id}"


async def receive_return(
    session: AsyncSession,
    *,
    return_id: uuid.UUID,
    restock: bool,
    note: str | None,
    actor: str,
    stripe: StripeGateway,
) -> tuple[Order, OrderReturn]:
    """The approved parcel arrived: refund its units (with their share of discount and tax)
    and restock them when asked, through the refund path."""
    order, order_return = await _locked_return(session, return_id)
    ensure_return_transition(order_return.status, ReturnStatus.RECEIVED)
    key = receive_key(order_return.id)
    outcome = await refund_order(
        session,
        order_id=order.id,
        lines=[LineRequest(line["sku"], int(line["quantity"])) for line in order_return.lines],
        amount=None,
        include_shipping=False,
        restock=restock,
        reason=f"Return received: {order_return.reason}",
        actor=actor,
        idempotency_key=key,
        body_hash=hashlib.sha256(key.encode()).hexdigest(),
        stripe=stripe,
    )
    order_return.status = ReturnStatus.RECEIVED.value
    order_return.note = note
    order_return.refund_id = outcome.refund.id
    return_event(session, outcome.order, order_return, EventType.RETURN_RECEIVED)
    await session.flush()
    await session.refresh(order_return)
    await load_timeline_and_refunds(session, outcome.order)
    return outcome.order, order_return


async def list_returns(
    session: AsyncSession, *, status: str | None, page: int, page_size: int
) -> tuple[list[tuple[OrderReturn, str]], int]:
    """Newest first, with each return's order number."""
    filters = [OrderReturn.status == status] if status is not None else []
    query = select(OrderReturn, Order.number).join(Order, Order.id == OrderReturn.order_id)
    page_query = newest_first(query.where(*filters), OrderReturn, page=page, page_size=page_size)
    rows = (await session.execute(page_query)).all()
    total = await session.scalar(select(func.count()).select_from(OrderReturn).where(*filters))
    return [(r, n) for r, n in rows], int(total or 0)
