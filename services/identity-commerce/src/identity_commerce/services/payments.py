"""What a PaymentIntent's state means for its order, wherever the news comes from.

`POST /checkout/confirm`, the Stripe webhook, the expiry sweeper and cancellation all lock
the order row and call `settle_payment`; the first to see a final state does the work
(commit or release the stock, move the order, empty the cart, emit the event) and every
later call finds the order already moved and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from shopkit.errors import BadRequest
from shopkit.events import EventType
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.inventory import InventoryClient, ReservationGone
from identity_commerce.clients.stripe import PaymentIntentState, StripeGateway
from identity_commerce.models import Order, Payment, ProcessedStripeEvent, Refund
from identity_commerce.services.cart import clear_cart
from identity_commerce.services.orders import (
    STRIPE_ACTOR,
    add_timeline_note,
    change_status,
    emit_order_event,
    lock_order,
)
from identity_commerce.services.orders_state_machine import OrderStatus
from identity_commerce.services.pricing import from_minor_units, to_minor_units

log = logging.getLogger("identity_commerce.payments")

Settlement = Literal["paid", "failed", "waiting", "unchanged", "refunded_late"]
FAILED_PAYMENT_STATUSES = frozenset({"requires_payment_method", "canceled"})


@dataclass(frozen=True)
class PaymentNews:
    """A PaymentIntent state plus whether a failed attempt is known (webhook or decline)."""

    intent: PaymentIntentState
    attempt_failed: bool = False

    @property
    def succeeded(self) -> bool:
        return self.intent.status == "succeeded"

    @property
    def failed(self) -> bool:
        # A fresh intent also says requires_payment_method: only an attempt that failed counts.
        return self.intent.status in FAILED_PAYMENT_STATUSES and (
            self.attempt_failed or self.intent.failure_code is not None
        )


async def settle_payment(
    session: AsyncSession,
    *,
    order: Order,
    news: PaymentNews,
    actor: str,
    inventory: InventoryClient,
    stripe: StripeGateway,
) -> Settlement:
    """Apply what the PaymentIntent says to the (locked) order; safe to call again."""
    payment = order.payment
    assert payment is not None, "every order past checkout has a payment"
    if payment.status != "refunded":
        payment.status = news.intent.status
    if news.succeeded:
        if order.status != OrderStatus.PENDING_PAYMENT:
            if order.status in (
                OrderStatus.EXPIRED,
                OrderStatus.CANCELLED,
                OrderStatus.PAYMENT_FAILED,
            ):
                return await _refund_late_payment(session, order=order, actor=actor, stripe=stripe)
            return "unchanged"  # already paid: a replay
        try:
            await inventory.commit(order.id)
        except ReservationGone:
            # The hold lapsed before the money arrived: the stock may be sold to someone else.
            change_status(
                session,
                order,
                OrderStatus.CANCELLED,
                actor=actor,
                note="Payment arrived after the stock hold had lapsed",
            )
            await _refund_late_payment(session, order=order, actor=actor, stripe=stripe)
            emit_order_event(
                session,
                order,
                EventType.ORDER_CANCELLED,
                reason="payment arrived after the stock hold lapsed; refunded",
                refund_amount=f"{payment.refunded_amount:.2f}",
            )
            return "refunded_late"
        payment.failure_code = payment.failure_message = None
        change_status(session, order, OrderStatus.PAID, actor=actor, note="Payment received")
        await clear_cart(session, user_id=order.user_id)
        emit_order_event(session, order, EventType.ORDER_PAID)
        return "paid"
    if news.failed:
        if order.status != OrderStatus.PENDING_PAYMENT:
            return "unchanged"
        payment.failure_code = news.intent.failure_code
        payment.failure_message = news.intent.failure_message or "The payment failed"
        # The catalog frees an unreleased hold at its expiry, so a catalog outage does not
        # keep the customer waiting for the decline.
        await inventory.release_quietly(order.id)
        change_status(
            session, order, OrderStatus.PAYMENT_FAILED, actor=actor, note=payment.failure_message
        )
        emit_order_event(session, order, EventType.ORDER_PAYMENT_FAILED)
        return "failed"
    return "waiting"  # requires_action, processing, or not attempted yet


async def refund_payment(
    session: AsyncSession,
    *,
    payment: Payment,
    amount: Decimal,
    reason: str,
    idempotency_key: str,
    stripe: StripeGateway,
) -> Refund:
    """Refund through Stripe (keyed, so a retry cannot refund twice) and record it."""
    refund = await stripe.refund(
        payment_intent_id=payment.payment_intent_id,
        amount_minor=to_minor_units(amount, payment.currency),
        idempotency_key=idempotency_key,
    )
    existing = await session.scalar(select(Refund).where(Refund.stripe_refund_id == refund.id))
    if existing is not None:
        return existing
    row = Refund(
        payment_id=payment.id,
        stripe_refund_id=refund.id,
        amount=from_minor_units(refund.amount, payment.currency),
        status=refund.status,
        reason=reason,
    )
    session.add(row)
    payment.refunded_amount += row.amount
    if payment.refunded_amount >= payment.amount:
        payment.status = "refunded"
    return row


async def _refund_late_payment(
    session: AsyncSession, *, order: Order, actor: str, stripe: StripeGateway
) -> Settlement:
    payment = order.payment
    assert payment is not None
    if payment.refunded_amount >= payment.amount:
        return "unchanged"
    await refund_payment(
        session,
        payment=payment,
        amount=payment.amount - payment.refunded_amount,
        reason="payment arrived after the order closed",
        idempotency_key=f"order-{order.id}-late-payment-refund",
        stripe=stripe,
    )
    add_timeline_note(
        session, order, actor=actor, note="Payment arrived after the order closed; refunded"
    )
    return "refunded_late"


# --- Stripe webhooks ----------------------------------------------------------------------
WebhookOutcome = Literal["processed", "duplicate", "ignored"]
HANDLED_TYPES = frozenset(
    {"payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"}
)


async def _first_delivery(
    session: AsyncSession, event: dict[str, Any], object_id: str | None
) -> bool:
    """Record the event id; False when it was recorded before (a replay)."""
    inserted = await session.scalar(
        insert(ProcessedStripeEvent)
        .values(event_id=str(event["id"]), type=str(event.get("type", "")), object_id=object_id)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ProcessedStripeEvent.event_id)
    )
    return inserted is not None


def _event_parts(event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Type and object of a signed event; 400 for a shape Stripe never sends."""
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not (
        isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(obj, dict)
    ):
        raise BadRequest("Malformed Stripe event")
    return str(event["type"]), obj


async def handle_stripe_event(
    session: AsyncSession,
    *,
    event: dict[str, Any],
    inventory: InventoryClient,
    stripe: StripeGateway,
) -> WebhookOutcome:
    """Apply one verified Stripe event. If applying fails (catalog down), the transaction
    rolls back with the event id, the webhook answers 503 and Stripe delivers it again."""
    event_type, obj = _event_parts(event)
    if event_type not in HANDLED_TYPES:
        return "ignored"
    intent_id = (
        obj.get("id") if event_type.startswith("payment_intent.") else obj.get("payment_intent")
    )
    if intent_id is not None and not isinstance(intent_id, str):
        raise BadRequest("Malformed Stripe event")
    if not await _first_delivery(session, event, intent_id):
        return "duplicate"
    if not intent_id:
        return "ignored"
    order_id = await session.scalar(
        select(Payment.order_id).where(Payment.payment_intent_id == intent_id)
    )
    if order_id is None:
        log.info("stripe event %s for an intent that is not ours: %s", event["id"], intent_id)
        return "ignored"
    order = await lock_order(session, order_id=order_id)
    assert order is not None
    if event_type == "charge.refunded":
        await _note_refund_from_stripe(session, order=order, charge=obj)
        return "processed"
    try:
        intent = PaymentIntentState.from_stripe(obj)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadRequest("Malformed Stripe event") from exc
    if event_type == "payment_intent.succeeded":
        news = PaymentNews(intent=replace(intent, status="succeeded"))
    else:
        failed_status = (
            intent.status if intent.status in FAILED_PAYMENT_STATUSES else "requires_payment_method"
        )
        news = PaymentNews(
            intent=replace(intent, status=failed_status),
            attempt_failed=True,
        )
    await settle_payment(
        session, order=order, news=news, actor=STRIPE_ACTOR, inventory=inventory, stripe=stripe
    )
    return "processed"


async def _note_refund_from_stripe(
    session: AsyncSession, *, order: Order, charge: dict[str, Any]
) -> None:
    """A refund made outside the shop (Stripe dashboard): mirror the amount; a full refund of
    a paid or delivered order makes it `refunded`. Refunds the shop made itself are known."""
    payment = order.payment
    assert payment is not None
    try:
        refunded = from_minor_units(int(charge.get("amount_refunded") or 0), payment.currency)
    except (TypeError, ValueError) as exc:
        raise BadRequest("Malformed Stripe event") from exc
    if refunded <= payment.refunded_amount:
        return  # already recorded (the shop's own refund, or a replay)
    payment.refunded_amount = refunded
    if refunded >= payment.amount:
        payment.status = "refunded"
        if order.status in (OrderStatus.PAID, OrderStatus.DELIVERED):
            change_status(
                session,
                order,
                OrderStatus.REFUNDED,
                actor=STRIPE_ACTOR,
                note="Refunded in Stripe",
            )
            emit_order_event(
                session, order, EventType.ORDER_REFUNDED, refund_amount=f"{refunded:.2f}"
            )
            return
    add_timeline_note(session, order, actor=STRIPE_ACTOR, note=f"Stripe refunded {refunded:.2f}")
