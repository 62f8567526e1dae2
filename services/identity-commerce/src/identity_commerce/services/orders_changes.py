"""Cancelling, refunding, shipping and delivering orders (customers and admins).

Every change locks the order, asks the state machine, does the outside work and then
records the new status, a timeline entry and the event.

Refunds and cancellations of paid orders are one recoverable process: the refund goes
through Stripe first (keyed by order and amount, so a retry cannot refund twice; when Stripe
fails the request fails with 503 and nothing changed), then the status, the event and the
follow-ups (restock once if the stock was committed and not shipped, re-verify the
customer's reviews) commit together. The router tries the follow-ups right after the commit;
what fails there (catalog down) the background job retries (services/order_followups.py),
so the order is `cancelled`/`refunded` at once and the stock comes back once the catalog
answers.
"""

from __future__ import annotations

import uuid

from shopkit.errors import Conflict
from shopkit.events import EventType
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.catalog import CatalogClient
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import Order
from identity_commerce.services.order_followups import record_after_refund
from identity_commerce.services.orders import (
    change_status,
    emit_order_event,
    load_timeline_and_refunds,
    lock_order_or_404,
)
from identity_commerce.services.orders_state_machine import (
    ADMIN_SETTABLE,
    STOCK_RETURNS_ON_REFUND,
    OrderStatus,
    ensure_transition,
)
from identity_commerce.services.payments import (
    cancel_or_settle,
    close_as_refunded,
    close_unpaid,
    refund_charged_amount,
    refund_in_full,
)

S = OrderStatus

GUEST_OWNER_ID = uuid.UUID(int=0)


async def cancel_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    actor: str,
    reason: str | None,
    user_id: uuid.UUID | None,
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> Order:
    """Before payment: cancel the intent and release the stock. Paid but not shipped: refund
    in full and put the stock back (a follow-up). `user_id` set = a customer's own order."""
    order = await lock_order_or_404(session, order_id=order_id, user_id=user_id)
    ensure_transition(order.status, S.CANCELLED)
    reason = reason or "cancelled on request"
    refunded = None

    if order.status == S.PENDING_PAYMENT and order.payment is not None:
        # Paid a moment ago (succeeded; `processing` is cancelled like an unpaid intent): the
        # settled order takes the paid route (refund + restock) below.
        intent, settlement = await cancel_or_settle(
            session,
            order=order,
            actor=actor,
            inventory=inventory,
            stripe=stripe,
            settle_on=frozenset({"succeeded"}),
        )
        if settlement == "mismatch":
            # Stripe took another amount than the order's: give back what it took.
            refunded = await refund_charged_amount(
                session, order=order, intent=intent, reason=reason, stripe=stripe
            )

    if order.status == S.PENDING_PAYMENT:
        extra = {"refund_amount": f"{refunded:.2f}"} if refunded is not None else {}
        await close_unpaid(
            session,
            order,
            S.CANCELLED,
            actor=actor,
            note=reason,
            inventory=inventory,
            reason=reason,
            **extra,
        )
    elif order.status in STOCK_RETURNS_ON_REFUND:
        refunded = await refund_in_full(session, order=order, reason=reason, stripe=stripe)
        change_status(session, order, S.CANCELLED, actor=actor, note=reason)
        await record_after_refund(session, order, restock=True)
        emit_order_event(
            session,
            order,
            EventType.ORDER_CANCELLED,
            reason=reason,
            refund_amount=f"{refunded:.2f}",
        )
    else:  # the intent's settlement closed the order meanwhile (late payment refunded)
        raise Conflict(f"This order is {order.status} now", status=order.status)
    await load_timeline_and_refunds(session, order)
    return order


async def admin_change_status(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    target: str,
    actor: str,
    carrier: str | None,
    tracking_number: str | None,
    note: str | None,
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> Order:
    wanted = S(target)
    if wanted not in ADMIN_SETTABLE:
        raise Conflict(f"'{wanted}' is set by payments and time, not by hand")
    if wanted == S.CANCELLED:
        return await cancel_order(
            session,
            order_id=order_id,
            actor=actor,
            reason=note,
            user_id=None,
            inventory=inventory,
            stripe=stripe,
        )
    order = await lock_order_or_404(session, order_id=order_id)
    ensure_transition(order.status, wanted)

    if wanted == S.PROCESSING:
        change_status(session, order, wanted, actor=actor, note=note)
    elif wanted == S.SHIPPED:
        assert carrier and tracking_number  # the request schema insists
        fulfillment = await inventory.record_shipment(
            order_id=order.id,
            # A guest order's shipment is recorded for the nil id, which no token carries:
            # only admins and services read it at catalog-fulfillment; the guest sees the
            # facts mirrored on the order.
            user_id=order.user_id or GUEST_OWNER_ID,
            carrier=carrier,
            tracking_number=tracking_number,
        )
        order.carrier = fulfillment.carrier or carrier
        order.tracking_number = fulfillment.tracking_number or tracking_number
        order.tracking_url = fulfillment.tracking_url
        change_status(
            session,
            order,
            wanted,
            actor=actor,
            note=note or f"Shipped with {order.carrier}, tracking {order.tracking_number}",
        )
        emit_order_event(
            session,
            order,
            EventType.ORDER_SHIPPED,
            carrier=order.carrier,
            tracking_number=order.tracking_number,
            tracking_url=order.tracking_url,
        )
    elif wanted == S.DELIVERED:
        await inventory.set_fulfillment_status(order.id, "delivered")
        change_status(session, order, wanted, actor=actor, note=note or "Delivered")
        emit_order_event(session, order, EventType.ORDER_DELIVERED)
    elif wanted == S.REFUNDED:
        refunded = await refund_in_full(
            session, order=order, reason=note or "refunded", stripe=stripe
        )
        await close_as_refunded(
            session, order, actor=actor, note=note or "Refunded", refunded=refunded
        )
    await load_timeline_and_refunds(session, order)
    return order
