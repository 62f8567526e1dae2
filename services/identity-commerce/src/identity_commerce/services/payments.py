"""What a PaymentIntent's state means for its order, wherever the news comes from.

`POST /checkout/confirm`, the Stripe webhook, the expiry sweeper and cancellation all lock
the order row and call `settle_payment`; the first to see a final state does the work
(commit or release the stock, move the order, take the ordered lines out of the cart, emit
the event) and every later call finds the order already moved and changes nothing.

Two checks come first, because Stripe delivers events late and out of order and the shop
must never call an order paid for money it did not get:
- a payment's status only moves forward (PAYMENT_STATUS_STAGES): a `payment_failed` that
  arrives after `succeeded` is recorded (its event id) and ignored;
- a succeeded PaymentIntent must be for the order's amount and currency; otherwise the order
  is not marked paid but flagged for an admin (`orders.attention`, timeline note, log).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from shopkit.errors import BadRequest
from shopkit.events import EventType
from shopkit.metrics import count_on_commit
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.catalog import CatalogClient, ReservationGone
from identity_commerce.clients.stripe import PaymentIntentState, StripeGateway
from identity_commerce.core.metrics import CHECKOUT_OUTCOMES
from identity_commerce.models import Order, Payment, ProcessedStripeEvent, Refund
from identity_commerce.services.cart import cart_owner_of, remove_ordered_lines
from identity_commerce.services.order_followups import record_after_refund
from identity_commerce.services.orders import (
    STRIPE_ACTOR,
    add_timeline_note,
    change_status,
    emit_order_event,
    lock_order,
    stock_on_shelf,
)
from identity_commerce.services.orders_state_machine import (
    OrderStatus,
    can_transition,
)
from identity_commerce.services.pricing import from_minor_units, to_minor_units

log = logging.getLogger("identity_commerce.payments")

Settlement = Literal["paid", "failed", "waiting", "unchanged", "refunded_late", "mismatch"]
FAILED_PAYMENT_STATUSES = frozenset({"requires_payment_method", "canceled"})

# How far along a payment is. Its recorded status only ever moves to a later stage; within
# the open stage it may move freely (a failed 3-D Secure goes from requires_action back to
# requires_payment_method). `canceled` may still become `succeeded`: Stripe's word that the
# money was taken wins over the shop's assumption (an intent it no longer knew counts as
# canceled), and the late payment is then refunded. `refunded` is the shop's own last word.
OPEN_STAGE = 0
PAYMENT_STATUS_STAGES: dict[str, int] = {
    "requires_payment_method": OPEN_STAGE,
    "requires_confirmation": OPEN_STAGE,
    "requires_action": OPEN_STAGE,
    "processing": OPEN_STAGE,
    "requires_capture": OPEN_STAGE,
    "canceled": 1,
    "succeeded": 2,
    "refunded": 3,
}


def payment_status_may_become(current: str, new: str) -> bool:
    """Whether a payment recorded as `current` may be recorded as `new` (see the stages)."""
    if new == current:
        return True
    now, then = (
        PAYMENT_STATUS_STAGES.get(current, OPEN_STAGE),
        PAYMENT_STATUS_STAGES.get(new, OPEN_STAGE),
    )
    return then > now or then == now == OPEN_STAGE


def advance_payment_status(payment: Payment, new: str) -> bool:
    """Record `new` unless it would move the payment backwards; False for stale news."""
    if not payment_status_may_become(payment.status, new):
        log.info(
            "ignoring stale payment status %s for %s (recorded: %s)",
            new,
            payment.payment_intent_id,
            payment.status,
        )
        return False
    payment.status = new
    return True


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


def amount_mismatch(payment: Payment, intent: PaymentIntentState) -> str | None:
    """Why the intent is not for this payment's amount and currency; None when it is."""
    expected = to_minor_units(payment.amount, payment.currency)
    if intent.currency.upper() == payment.currency.upper() and intent.amount == expected:
        return None
    return (
        f"Stripe reports a payment of {intent.amount} {intent.currency.upper()} (minor units) "
        f"but the order expects {expected} {payment.currency}; not marked paid"
    )


def _hold_for_review(order: Order, session: AsyncSession, *, problem: str, actor: str) -> None:
    if order.attention == problem:
        return  # a replay of the same news: noted already
    log.error("order %s: %s", order.number, problem, extra={"fields": {"order_id": str(order.id)}})
    order.attention = problem
    add_timeline_note(session, order, actor=actor, note=problem)


async def settle_payment(
    session: AsyncSession,
    *,
    order: Order,
    news: PaymentNews,
    actor: str,
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> Settlement:
    """Apply what the PaymentIntent says to the (locked) order; safe to call again."""
    payment = order.payment
    assert payment is not None, "every order past checkout has a payment"
    if not advance_payment_status(payment, news.intent.status):
        return "unchanged"  # older news than what is recorded
    if news.succeeded:
        problem = amount_mismatch(payment, news.intent)
        if problem is not None:
            _hold_for_review(order, session, problem=problem, actor=actor)
            return "mismatch"
        if order.status != OrderStatus.PENDING_PAYMENT:
            if order.status in (
                OrderStatus.EXPIRED,
                OrderStatus.CANCELLED,
                OrderStatus.PAYMENT_FAILED,
            ):
                return await _refund_late_payment(session, order=order, actor=actor, stripe=stripe)
            return "unchanged"  # already paid: a replay
        if payment.refunded_amount >= payment.amount:
            # Refunded in Stripe before the shop heard of the payment: nothing was bought.
            await inventory.release_quietly(order.id)
            reason = "the payment was refunded in Stripe before it was recorded"
            change_status(session, order, OrderStatus.CANCELLED, actor=actor, note=reason)
            emit_order_event(
                session,
                order,
                EventType.ORDER_CANCELLED,
                reason=reason,
                refund_amount=f"{payment.refunded_amount:.2f}",
            )
            return "refunded_late"
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
            await refund_in_full(
                session,
                order=order,
                reason="payment arrived after the stock hold lapsed",
                stripe=stripe,
            )
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
        owner = cart_owner_of(order)
        if owner is not None:  # a guest cart may have expired meanwhile
            await remove_ordered_lines(
                session, user_id=owner, lines=[(i.sku, i.quantity) for i in order.items]
            )
        emit_order_event(session, order, EventType.ORDER_PAID)
        count_on_commit(session, CHECKOUT_OUTCOMES, outcome="paid")
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
        count_on_commit(session, CHECKOUT_OUTCOMES, outcome="declined")
        return "failed"
    return "waiting"  # requires_action, processing, or not attempted yet


# Intent states in which cancelling comes too late: the money is taken or on its way.
PAID_OR_PAYING = frozenset({"succeeded", "processing"})


async def cancel_or_settle(
    session: AsyncSession,
    *,
    order: Order,
    actor: str,
    inventory: CatalogClient,
    stripe: StripeGateway,
    settle_on: frozenset[str] = PAID_OR_PAYING,
) -> tuple[PaymentIntentState, Settlement | None]:
    """Cancel the intent of an order about to close unpaid (the order locked). When Stripe
    answers with a state of `settle_on` (the customer paid a moment ago), the order is
    settled instead and the settlement returned; otherwise the payment records the intent's
    state and the settlement is None: the caller closes the order."""
    payment = order.payment
    assert payment is not None, "only an order with a payment has an intent to cancel"
    intent = await stripe.cancel_payment_intent(payment.payment_intent_id)
    if intent.status not in settle_on:
        advance_payment_status(payment, intent.status)
        return intent, None
    settlement = await settle_payment(
        session,
        order=order,
        news=PaymentNews(intent=intent),
        actor=actor,
        inventory=inventory,
        stripe=stripe,
    )
    return intent, settlement


# How an order that was never paid closes, and the event that says so.
UNPAID_CLOSINGS = {
    OrderStatus.CANCELLED: EventType.ORDER_CANCELLED,
    OrderStatus.EXPIRED: EventType.ORDER_EXPIRED,
}


async def close_unpaid(
    session: AsyncSession,
    order: Order,
    status: OrderStatus,
    *,
    actor: str,
    note: str,
    inventory: CatalogClient,
    **payload: Any,
) -> None:
    """Close an order that was never paid (`status`: cancelled or expired): release its
    stock hold, move it with `note` on its timeline, and queue its event with `payload`."""
    await inventory.release(order.id)
    change_status(session, order, status, actor=actor, note=note)
    emit_order_event(session, order, UNPAID_CLOSINGS[status], **payload)


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
    return await _record_refund(
        session,
        payment=payment,
        stripe_refund_id=refund.id,
        amount=from_minor_units(refund.amount, payment.currency),
        status=refund.status,
        reason=reason,
    )


async def _record_refund(
    session: AsyncSession,
    *,
    payment: Payment,
    stripe_refund_id: str,
    amount: Decimal,
    status: str,
    reason: str,
) -> Refund:
    existing = await session.scalar(
        select(Refund).where(Refund.stripe_refund_id == stripe_refund_id)
    )
    if existing is not None:
        return existing
    row = Refund(
        payment_id=payment.id,
        stripe_refund_id=stripe_refund_id,
        amount=amount,
        status=status,
        reason=reason,
    )
    session.add(row)
    payment.refunded_amount += row.amount
    if payment.refunded_amount >= payment.amount:
        advance_payment_status(payment, "refunded")
    return row


async def refund_charged_amount(
    session: AsyncSession,
    *,
    order: Order,
    intent: PaymentIntentState,
    reason: str,
    stripe: StripeGateway,
) -> Decimal:
    """Give back exactly what Stripe took for an intent whose amount or currency did not
    match the order (an admin or the customer cancels it); keyed by the order, so once."""
    payment = order.payment
    assert payment is not None
    refund = await stripe.refund(
        payment_intent_id=payment.payment_intent_id,
        amount_minor=intent.amount,
        idempotency_key=f"order-{order.id}-refund-charged-{intent.amount}",
    )
    row = await _record_refund(
        session,
        payment=payment,
        stripe_refund_id=refund.id,
        amount=from_minor_units(refund.amount, intent.currency),
        status=refund.status,
        reason=f"{reason} (the amount Stripe took did not match the order)",
    )
    advance_payment_status(payment, "refunded")
    return row.amount


async def refund_in_full(
    session: AsyncSession, *, order: Order, reason: str, stripe: StripeGateway
) -> Decimal:
    """Refund whatever is not refunded yet; returns that amount. The Stripe key is the order
    and the amount, so whichever path refunds an order (and however often it is retried)
    Stripe makes one refund."""
    payment = order.payment
    assert payment is not None
    outstanding = payment.amount - payment.refunded_amount
    if outstanding > 0:
        minor = to_minor_units(outstanding, payment.currency)
        await refund_payment(
            session,
            payment=payment,
            amount=outstanding,
            reason=reason,
            idempotency_key=f"order-{order.id}-refund-{minor}",
            stripe=stripe,
        )
    return outstanding


async def close_as_refunded(
    session: AsyncSession, order: Order, *, actor: str, note: str, refunded: Decimal
) -> None:
    """The order's money is all given back (the last `refunded` of it just now): it becomes
    `refunded`, its follow-ups are recorded (its stock goes back only if it never left the
    shelf) and ORDER_REFUNDED is emitted."""
    restock = stock_on_shelf(order)  # read before the status changes
    change_status(session, order, OrderStatus.REFUNDED, actor=actor, note=note)
    await record_after_refund(session, order, restock=restock)
    emit_order_event(
        session,
        order,
        EventType.ORDER_REFUNDED,
        refund_amount=f"{refunded:.2f}",
        refunded_in_full=True,
        refunded_total=f"{order.payment.refunded_amount:.2f}" if order.payment else None,
    )


async def _refund_late_payment(
    session: AsyncSession, *, order: Order, actor: str, stripe: StripeGateway
) -> Settlement:
    """Money for an order that had already closed (expired, cancelled, declined before):
    nothing was bought and no stock was committed, so it all goes back, and the customer is
    told (ORDER_LATE_PAYMENT_REFUNDED)."""
    payment = order.payment
    assert payment is not None
    if payment.refunded_amount >= payment.amount:
        return "unchanged"
    refunded = await refund_in_full(
        session, order=order, reason="payment arrived after the order closed", stripe=stripe
    )
    add_timeline_note(
        session, order, actor=actor, note="Payment arrived after the order closed; refunded"
    )
    emit_order_event(
        session,
        order,
        EventType.ORDER_LATE_PAYMENT_REFUNDED,
        refund_amount=f"{refunded:.2f}",
        order_status=order.status,
    )
    return "refunded_late"


# --- Stripe webhooks ----------------------------------------------------------------------
WebhookOutcome = Literal["processed", "duplicate", "ignored"]


@dataclass(frozen=True)
class WebhookHandled:
    outcome: WebhookOutcome
    # An order that may have follow-ups to run now (restock after a refund made in Stripe).
    refunded_order_id: uuid.UUID | None = None


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
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> WebhookHandled:
    """Apply one verified Stripe event. If applying fails (catalog down), the transaction
    rolls back with the event id, the webhook answers 503 and Stripe delivers it again.
    An event older than what is recorded (Stripe does not keep them in order) is recorded
    and ignored."""
    event_type, obj = _event_parts(event)
    if event_type not in HANDLED_TYPES:
        return WebhookHandled("ignored")
    intent_id = (
        obj.get("id") if event_type.startswith("payment_intent.") else obj.get("payment_intent")
    )
    if intent_id is not None and not isinstance(intent_id, str):
        raise BadRequest("Malformed Stripe event")
    if not await _first_delivery(session, event, intent_id):
        return WebhookHandled("duplicate")
    if not intent_id:
        return WebhookHandled("ignored")
    order_id = await session.scalar(
        select(Payment.order_id).where(Payment.payment_intent_id == intent_id)
    )
    if order_id is None:
        log.info("stripe event %s for an intent that is not ours: %s", event["id"], intent_id)
        return WebhookHandled("ignored")
    order = await lock_order(session, order_id=order_id)
    assert order is not None and order.payment is not None
    if event_type == "charge.refunded":
        await _note_refund_from_stripe(session, order=order, charge=obj)
        return WebhookHandled("processed", order.id)
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
    if not payment_status_may_become(order.payment.status, news.intent.status):
        log.info(
            "stripe event %s (%s) is older than the recorded status %s of order %s; ignored",
            event["id"],
            event_type,
            order.payment.status,
            order.number,
        )
        return WebhookHandled("ignored")
    await settle_payment(
        session, order=order, news=news, actor=STRIPE_ACTOR, inventory=inventory, stripe=stripe
    )
    return WebhookHandled("processed")


async def _note_refund_from_stripe(
    session: AsyncSession, *, order: Order, charge: dict[str, Any]
) -> None:
    """A refund made outside the shop (Stripe dashboard): mirror the amount. A full refund of
    an order the customer paid for makes it `refunded` (so it can never ship), puts back
    stock that was committed and not shipped, and emits ORDER_REFUNDED. Refunds the shop made
    itself are known already, and replays change nothing."""
    payment = order.payment
    assert payment is not None
    try:
        refunded = from_minor_units(int(charge.get("amount_refunded") or 0), payment.currency)
    except (TypeError, ValueError) as exc:
        raise BadRequest("Malformed Stripe event") from exc
    if refunded <= payment.refunded_amount:
        return  # already recorded (the shop's own refund, or a replay)
    given_back = refunded - payment.refunded_amount
    payment.refunded_amount = refunded
    if refunded >= payment.amount:
        advance_payment_status(payment, "refunded")
        if can_transition(OrderStatus(order.status), OrderStatus.REFUNDED):
            await close_as_refunded(
                session, order, actor=STRIPE_ACTOR, note="Refunded in Stripe", refunded=given_back
            )
            return
    elif can_transition(OrderStatus(order.status), OrderStatus.PARTIALLY_REFUNDED):
        # Some of the money, given back in Stripe's dashboard: no lines are known.
        note = f"Stripe refunded {given_back:.2f}"
        if order.status == OrderStatus.PARTIALLY_REFUNDED:
            add_timeline_note(session, order, actor=STRIPE_ACTOR, note=note)
        else:
            change_status(
                session, order, OrderStatus.PARTIALLY_REFUNDED, actor=STRIPE_ACTOR, note=note
            )
        emit_order_event(
            session,
            order,
            EventType.ORDER_REFUNDED,
            refund_amount=f"{given_back:.2f}",
            refunded_in_full=False,
            refunded_total=f"{refunded:.2f}",
        )
        return
    add_timeline_note(session, order, actor=STRIPE_ACTOR, note=f"Stripe refunded {refunded:.2f}")
