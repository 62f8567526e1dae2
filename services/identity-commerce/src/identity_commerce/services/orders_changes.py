"""Cancelling, refunding, shipping and delivering orders (customers and admins).

Every change locks the order, asks the state machine, does the outside work (Stripe,
catalog-fulfillment) and then records the new status, a timeline entry and the event. When
the outside work fails the request fails with 503 and the order stays as it was; the Stripe
and catalog calls are keyed by the order id, so trying again cannot refund or restock twice.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from shopkit.errors import Conflict
from shopkit.events import EventType
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.inventory import InventoryClient, StockRequest
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import Order
from identity_commerce.services.orders import (
    change_status,
    emit_order_event,
    load_timeline_and_refunds,
    lock_order_or_404,
)
from identity_commerce.services.orders_state_machine import (
    ADMIN_SETTABLE,
    OrderStatus,
    ensure_transition,
)
from identity_commerce.services.payments import PaymentNews, refund_payment, settle_payment
from identity_commerce.services.pricing import to_minor_units

S = OrderStatus


def _stock_of(order: Order) -> list[StockRequest]:
    return [StockRequest(sku=i.sku, quantity=i.quantity) for i in order.items]


async def _refund_rest(
    session: AsyncSession, order: Order, *, reason: str, stripe: StripeGateway
) -> Decimal:
    """Refund whatever is not refunded yet; returns that amount."""
    payment = order.payment
    assert payment is not None
    outstanding = payment.amount - payment.refunded_amount
    if outstanding > 0:
        cents = to_minor_units(outstanding, payment.currency)
        await refund_payment(
            session,
            payment=payment,
            amount=outstanding,
            reason=reason,
            # Same order and amount = same key: a retry after a failure cannot refund twice.
            idempotency_key=f"order-{order.id}-refund-{cents}",
            stripe=stripe,
        )
    return outstanding


async def cancel_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    actor: str,
    reason: str | None,
    user_id: uuid.UUID | None,
    inventory: InventoryClient,
    stripe: StripeGateway,
) -> Order:
    """Before payment: cancel the intent and release the stock. Paid but not shipped: refund
    in full and put the stock back. `user_id` set = a customer's own order only."""
    order = await lock_order_or_404(session, order_id=order_id, user_id=user_id)
    ensure_transition(order.status, S.CANCELLED)
    reason = reason or "cancelled on request"
    payment = order.payment

    if order.status == S.PENDING_PAYMENT and payment is not None:
        intent = await stripe.cancel_payment_intent(payment.payment_intent_id)
        if intent.status == "succeeded":
            # The customer paid a moment ago: take the paid route (refund + restock) below.
            await settle_payment(
                session,
                order=order,
                news=PaymentNews(intent=intent),
                actor=actor,
                inventory=inventory,
                stripe=stripe,
            )
        else:
            payment.status = intent.status

    if order.status == S.PENDING_PAYMENT:
        await inventory.release(order.id)
        change_status(session, order, S.CANCELLED, actor=actor, note=reason)
        emit_order_event(session, order, EventType.ORDER_CANCELLED, reason=reason)
    elif order.status in (S.PAID, S.PROCESSING):
        refunded = await _refund_rest(session, order, reason=reason, stripe=stripe)
        await inventory.restock(key=f"order-{order.id}-cancel", items=_stock_of(order))
        change_status(session, order, S.CANCELLED, actor=actor, note=reason)
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
    inventory: InventoryClient,
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
            user_id=order.user_id,
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
        refunded = await _refund_rest(session, order, reason=note or "refunded", stripe=stripe)
        if order.status == S.PAID:  # never shipped: the goods are still on the shelf
            await inventory.restock(key=f"order-{order.id}-refund", items=_stock_of(order))
        change_status(session, order, wanted, actor=actor, note=note or "Refunded")
        emit_order_event(session, order, EventType.ORDER_REFUNDED, refund_amount=f"{refunded:.2f}")
    await load_timeline_and_refunds(session, order)
    return order
