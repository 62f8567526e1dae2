"""The expiry sweeper: orders still `pending_payment` after their deadline become `expired`,
their PaymentIntent is cancelled and their stock released.

Each order is handled in its own transaction under its row lock (SKIP LOCKED: an order a
confirm or webhook is working on right now is left for the next pass). Before giving up on
an order the sweeper asks Stripe: a payment that did succeed is settled instead.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta

from fastapi import FastAPI
from shopkit.db import utcnow
from shopkit.errors import ProblemError
from shopkit.events import EventType
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity_commerce.clients.inventory import InventoryClient
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import IdempotencyKey, Order
from identity_commerce.services.orders import (
    SYSTEM_ACTOR,
    change_status,
    emit_order_event,
    lock_order,
)
from identity_commerce.services.orders_state_machine import OrderStatus
from identity_commerce.services.payments import PaymentNews, settle_payment

log = logging.getLogger("identity_commerce.expiry")
BATCH = 50
KEY_RETENTION = timedelta(hours=24)


async def expire_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    inventory: InventoryClient,
    stripe: StripeGateway,
) -> str:
    """Expire one overdue order (or settle it if it was paid after all)."""
    order = await lock_order(session, order_id=order_id, wait=False)
    if order is None:
        return "busy"
    if order.status != OrderStatus.PENDING_PAYMENT or order.reservation_expires_at > utcnow():
        return "unchanged"
    payment = order.payment
    if payment is not None:
        intent = await stripe.cancel_payment_intent(payment.payment_intent_id)
        if intent.status in ("succeeded", "processing"):
            return await settle_payment(
                session,
                order=order,
                news=PaymentNews(intent=intent),
                actor=SYSTEM_ACTOR,
                inventory=inventory,
                stripe=stripe,
            )
        payment.status = intent.status
    await inventory.release(order.id)
    change_status(
        session,
        order,
        OrderStatus.EXPIRED,
        actor=SYSTEM_ACTOR,
        note="Not paid before the stock hold ran out",
    )
    emit_order_event(session, order, EventType.ORDER_EXPIRED)
    return "expired"


async def sweep_expired_orders(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    inventory: InventoryClient,
    stripe: StripeGateway,
) -> dict[str, int]:
    async with sessionmaker() as session:
        overdue = (
            await session.scalars(
                select(Order.id)
                .where(
                    Order.status == OrderStatus.PENDING_PAYMENT,
                    Order.reservation_expires_at <= utcnow(),
                )
                .order_by(Order.reservation_expires_at)
                .limit(BATCH)
            )
        ).all()
    outcomes: dict[str, int] = {}
    for order_id in overdue:
        try:
            async with sessionmaker() as session, session.begin():
                outcome = await expire_order(
                    session, order_id=order_id, inventory=inventory, stripe=stripe
                )
        except ProblemError as exc:
            # Stripe or the catalog is down or refused: leave the order for the next pass.
            log.warning("could not expire order %s yet: %s", order_id, exc.detail)
            outcome = "retry"
        except Exception:  # one broken order must not stop the others from expiring
            log.exception("expiring order %s failed", order_id)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


async def forget_old_idempotency_keys(
    sessionmaker: async_sessionmaker[AsyncSession], *, older_than: timedelta = KEY_RETENTION
) -> int:
    """Checkout replies are kept for a day (as Stripe keeps its keys), then forgotten."""
    async with sessionmaker() as session, session.begin():
        result = await session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - older_than)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def order_expiry_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job: sweep every ORDER_EXPIRY_SWEEP_SECONDS until the app stops."""
    settings = app.state.settings
    if not settings.order_expiry_sweeper_enabled:
        return
    while not stop.is_set():
        try:
            outcomes = await sweep_expired_orders(
                app.state.db.sessionmaker,
                inventory=app.state.inventory_client,
                stripe=app.state.stripe_gateway,
            )
            if outcomes:
                log.info("expiry sweep: %s", outcomes)
            await forget_old_idempotency_keys(app.state.db.sessionmaker)
        except Exception:  # the DB may be briefly down; keep the loop alive
            log.exception("expiry sweep failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=settings.order_expiry_sweep_seconds)
        except TimeoutError:
            pass
