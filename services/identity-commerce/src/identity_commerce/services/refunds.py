"""Partial refunds: some lines of an order, its shipping, or an amount, through Stripe.

The amount of a line is what the customer paid for it: its price with its share of the
discount and the tax, `line_total x (total - shipping) / subtotal`, rounded half-up to the
cent. Rounding each line alone could leave the sum of the line refunds a cent away from what
was paid for goods, so the refund that takes the last unrefunded units of the order takes the
exact remainder instead (what was paid for goods minus what earlier line refunds gave back).
Shipping is refunded only when asked (`include_shipping`), once. An explicit `amount`
replaces the computed sum (a goodwill refund, or lines given back for less); the lines are
still marked refunded, so they are never refunded again.

Concurrency and replays, the rules first:
- every refund locks the order row (`lock_order`) before it reads what was refunded, so two
  refunds of one order run one after the other and the second sees the first: neither can
  refund more than was paid and not yet refunded (409), nor a unit twice (409);
- the Idempotency-Key is stored on the refund (unique per payment) with the body's hash: the
  same key and body answer the first refund again, with another body 409; the Stripe call is
  keyed by order and key, so a retry after a crash between Stripe and our commit finds
  Stripe's refund instead of making a second;
- the restock of the refunded lines is a follow-up keyed by the refund (catalog key
  `order-<id>-refund-<refund id>-restock`), recorded in the same transaction: done once
  however often anything is replayed, and retried when the catalog is down;
- the `charge.refunded` webhook Stripe sends for our own refund finds the amount recorded
  already and changes nothing (services/payments.py).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopkit.errors import Conflict
from shopkit.events import EventType
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import Order, OrderItem, Refund
from identity_commerce.services.order_followups import record_after_refund, record_line_restock
from identity_commerce.services.orders import (
    add_timeline_note,
    change_status,
    emit_order_event,
    load_timeline_and_refunds,
    lock_order_or_404,
)
from identity_commerce.services.orders_state_machine import (
    PARTIALLY_REFUNDABLE,
    OrderStatus,
    ensure_transition,
)
from identity_commerce.services.payments import refund_payment
from identity_commerce.services.pricing import money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineRequest:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PlannedLine:
    sku: str
    name: str
    quantity: int
    amount: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "name": self.name,
            "quantity": self.quantity,
            "amount": f"{self.amount:.2f}",
        }


@dataclass(frozen=True)
class RefundPlan:
    lines: list[PlannedLine]
    goods_amount: Decimal  # what the lines are worth as paid
    shipping_amount: Decimal
    amount: Decimal  # what Stripe gives back

    @property
    def empty(self) -> bool:
        return self.amount <= 0


class RefundRefused(Conflict):
    """409 with a `code`: the refund cannot be made as asked; nothing changed."""

    def __init__(self, detail: str, *, code: str, **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)


REFUND_CONFLICT_CODES = (
    "`refund_exceeds_paid` (more than what was paid and not yet refunded), "
    "`line_already_refunded` (more units than are left to refund), "
    "`unknown_line` (a sku the order does not hold), "
    "`nothing_to_refund`, "
    "`idempotency_key_reused` (the key came with another body), "
    "or the order's status allows no refund"
)


def paid_for_goods(order: Order) -> Decimal:
    """What the customer paid for the goods: subtotal less the discount plus the tax."""
    return order.total - order.shipping


def line_share(order: Order, line_total: Decimal) -> Decimal:
    """What `line_total` worth of goods cost the customer, discount and tax shared out."""
    if order.subtotal <= 0:
        return ZERO
    return money(line_total * paid_for_goods(order) / order.subtotal)


def merge_lines(lines: Sequence[LineRequest]) -> list[LineRequest]:
    """One request per sku (the same sku twice counts its quantities together), in order."""
    merged: dict[str, int] = {}
    for line in lines:
        merged[line.sku] = merged.get(line.sku, 0) + line.quantity
    return [LineRequest(sku, quantity) for sku, quantity in merged.items()]


def plan_refund(
    order: Order,
    *,
    items: Sequence[OrderItem],
    lines: Sequence[LineRequest],
    amount: Decimal | None,
    include_shipping: bool,
    goods_refunded: Decimal,
    shipping_refunded: Decimal,
    money_left: Decimal,
) -> RefundPlan:
    """What a refund of `lines` (and the shipping, or `amount`) gives back; 409 when it asks
    for units already refunded, a sku the order does not hold, or more money than is left.
    Pure: the caller holds the order's lock and passes what earlier refunds took."""
    by_sku = {item.sku: item for item in items}
    planned: list[PlannedLine] = []
    for line in merge_lines(lines):
        item = by_sku.get(line.sku)
        if item is None:
            raise RefundRefused(
                f"The order has no line with sku {line.sku}", code="unknown_line", sku=line.sku
            )
        if line.quantity > item.refundable_quantity:
            raise RefundRefused(
                f"Only {item.refundable_quantity} of {line.sku} are left to refund",
                code="line_already_refunded",
                sku=line.sku,
                refundable_quantity=item.refundable_quantity,
            )
        planned.append(
            PlannedLine(
                sku=item.sku,
                name=item.name,
                quantity=line.quantity,
                amount=line_share(order, item.unit_price * line.quantity),
            )
        )
    units_left = sum(item.refundable_quantity for item in items)
    if planned and units_left == sum(line.quantity for line in planned):
        # The last units of the order: they take what is left of the goods' money, so the
        # line refunds add up to exactly what was paid for goods.
        remainder = paid_for_goods(order) - goods_refunded - sum(p.amount for p in planned[:-1])
        last = planned[-1]
        planned[-1] = PlannedLine(last.sku, last.name, last.quantity, max(ZERO, remainder))
    goods = sum((p.amount for p in planned), ZERO)
    shipping = max(ZERO, order.shipping - shipping_refunded) if include_shipping else ZERO
    total = money(amount) if amount is not None else goods + shipping
    if total <= 0:
        raise RefundRefused("Nothing to refund", code="nothing_to_refund")
    if total > money_left:
        raise RefundRefused(
            f"{total:.2f} is more than the {money_left:.2f} paid and not yet refunded",
            code="refund_exceeds_paid",
            refundable_amount=f"{money_left:.2f}",
        )
    return RefundPlan(lines=planned, goods_amount=goods, shipping_amount=shipping, amount=total)


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def stripe_key(order_id: uuid.UUID, idempotency_key: str) -> str:
    """The Stripe idempotency key of a keyed refund: the order and the caller's key."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"order-{order_id}-partial-refund-{digest}"


@dataclass(frozen=True)
class RefundOutcome:
    order: Order
    refund: Refund
    replayed: bool


async def refund_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    lines: Sequence[LineRequest],
    amount: Decimal | None,
    include_shipping: bool,
    restock: bool,
    reason: str,
    actor: str,
    idempotency_key: str,
    body_hash: str,
    stripe: StripeGateway,
) -> RefundOutcome:
    """Refund some of an order (see the module); the caller commits, then runs the order's
    follow-ups (the restock)."""
    order = await lock_order_or_404(session, order_id=order_id)
    payment = order.payment
    earlier = await _keyed_refund(session, order, idempotency_key)
    if earlier is not None:
        if earlier.request_hash != body_hash:
            raise RefundRefused(
                "This Idempotency-Key was used for another refund", code="idempotency_key_reused"
            )
        await load_timeline_and_refunds(session, order)
        return RefundOutcome(order=order, refund=earlier, replayed=True)
    if payment is None or OrderStatus(order.status) not in PARTIALLY_REFUNDABLE:
        raise RefundRefused(
            f"An order in status '{order.status}' cannot be refunded",
            code="not_refundable",
            current_status=order.status,
        )
    goods_refunded, shipping_refunded = await _refunded_so_far(session, payment.id)
    plan = plan_refund(
        order,
        items=order.items,
        lines=lines,
        amount=amount,
        include_shipping=include_shipping,
        goods_refunded=goods_refunded,
        shipping_refunded=shipping_refunded,
        money_left=payment.amount - payment.refunded_amount,
    )
    refund = await refund_payment(
        session,
        payment=payment,
        amount=plan.amount,
        reason=reason,
        idempotency_key=stripe_key(order.id, idempotency_key),
        stripe=stripe,
    )
    refund.idempotency_key = idempotency_key
    refund.request_hash = body_hash
    refund.goods_amount = plan.goods_amount
    refund.shipping_amount = plan.shipping_amount
    refund.lines = [line.as_json() for line in plan.lines]
    refund.restock = restock and bool(plan.lines)
    refund.actor = actor
    await session.flush()  # the refund's id keys its restock
    await apply_refund(session, order, plan=plan, refund=refund, actor=actor, reason=reason)
    await load_timeline_and_refunds(session, order)
    return RefundOutcome(order=order, refund=refund, replayed=False)


async def apply_refund(
    session: AsyncSession,
    order: Order,
    *,
    plan: RefundPlan,
    refund: Refund,
    actor: str,
    reason: str,
) -> None:
    """After Stripe gave the money back: mark the units refunded, record their restock,
    move the order and emit ORDER_REFUNDED."""
    by_sku = {item.sku: item for item in order.items}
    for line in plan.lines:
        by_sku[line.sku].refunded_quantity += line.quantity
    if refund.restock:
        record_line_restock(
            session,
            order,
            refund_id=refund.id,
            lines=[(line.sku, line.quantity) for line in plan.lines],
        )
    payment = order.payment
    assert payment is not None
    fully = payment.refunded_amount >= payment.amount
    note = f"Refunded {plan.amount:.2f} {order.currency}: {reason}"
    target = OrderStatus.REFUNDED if fully else OrderStatus.PARTIALLY_REFUNDED
    ensure_transition(order.status, target)
    if order.status == target:
        add_timeline_note(session, order, actor=actor, note=note)
    else:
        change_status(session, order, target, actor=actor, note=note)
    if fully:
        # The order no longer makes a verified purchase; what was not refunded line by line
        # is not restocked here (its goods were given back as money only).
        await record_after_refund(session, order, restock=False)
    emit_order_event(
        session,
        order,
        EventType.ORDER_REFUNDED,
        refund_amount=f"{plan.amount:.2f}",
        refund_lines=[line.as_json() for line in plan.lines],
        refund_shipping=f"{plan.shipping_amount:.2f}",
        refund_reason=reason,
        refunded_in_full=fully,
        refunded_total=f"{payment.refunded_amount:.2f}",
    )


async def _keyed_refund(session: AsyncSession, order: Order, key: str) -> Refund | None:
    if order.payment is None:
        return None
    return await session.scalar(
        select(Refund).where(Refund.payment_id == order.payment.id, Refund.idempotency_key == key)
    )


async def _refunded_so_far(session: AsyncSession, payment_id: uuid.UUID) -> tuple[Decimal, Decimal]:
    rows = (
        await session.execute(
            select(Refund.goods_amount, Refund.shipping_amount).where(
                Refund.payment_id == payment_id
            )
        )
    ).all()
    goods = sum((row[0] for row in rows), ZERO)
    shipping = sum((row[1] for row in rows), ZERO)
    return goods, shipping
