"""The expiry sweeper: orders still `pending_payment` after their deadline become `expired`,
their PaymentIntent is cancelled and their stock released.

Each order is handled in its own transaction under its row lock (SKIP LOCKED: an order a
confirm or webhook is working on right now is left for the next pass). Before giving up on
an order the sweeper asks Stripe: a payment that did succeed is settled instead.

An order whose expiry fails (Stripe or the catalog refusing or down, a payment still
processing) is not retried on every pass: it gets a per-order backoff
(`expiry_retry_at`, ORDER_EXPIRY_RETRY_BASE_SECONDS doubling up to
ORDER_EXPIRY_RETRY_MAX_SECONDS) and the pass moves on, so a batch full of orders that keep
failing can never starve the others. Orders flagged for an admin (`attention`) are left to
the admin.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from shopkit.db import utcnow
from shopkit.errors import ProblemError
from shopkit.metrics import count_on_commit
from shopkit.periodic import run_rounds
from sqlalchemy import delete, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity_commerce.clients.catalog import CatalogClient
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.core.metrics import CHECKOUT_OUTCOMES
from identity_commerce.models import IdempotencyKey, Order
from identity_commerce.models.order_status import OrderStatus
from identity_commerce.services.orders import (
    SYSTEM_ACTOR,
    lock_order,
)
from identity_commerce.services.payments import cancel_or_settle, close_unpaid

log = logging.getLogger("identity_commerce.expiry")
BATCH = 50
KEY_RETENTION = timedelta(hours=24)
# Outcomes after which the order is still pending and waits for its backoff.
NOT_EXPIRED_YET = frozenset({"retry", "error", "waiting", "mismatch"})


async def expire_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    inventory: CatalogClient,
    stripe: StripeGateway,
) -> str:
    """Expire one overdue order (or settle it if it was paid after all)."""
    order = await lock_order(session, order_id=order_id, wait=False)
    if order is None:
        return "busy"
    if order.status != OrderStatus.PENDING_PAYMENT or order.reservation_expires_at > utcnow():
        return "unchanged"
    if order.payment is not None:
        _, settlement = await cancel_or_settle(
            session, order=order, actor=SYSTEM_ACTOR, inventory=inventory, stripe=stripe
        )
        if settlement is not None:  # paid (or being paid) after all
            return settlement
    await close_unpaid(
        session,
        order,
        OrderStatus.EXPIRED,
        actor=SYSTEM_ACTOR,
        note="Not paid before the stock hold ran out",
        inventory=inventory,
    )
    count_on_commit(session, CHECKOUT_OUTCOMES, outcome="expired")
    return "expired"


@dataclass(frozen=True)
class ExpiryBackoff:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)


# The n-th failure (counted from 0) waits base * 2^n, at most cap; all SET expressions see
# the row as it was, so `expiry_attempts` here is the count before this failure.
_BACK_OFF = text(
    "UPDATE orders SET expiry_attempts = expiry_attempts + 1, "
    "expiry_retry_at = now() + make_interval(secs => LEAST(:cap, :base * power(2, "
    "LEAST(expiry_attempts, 30)))) "
    "WHERE id = :order_id AND status = 'pending_payment'"
)


async def _back_off(
    sessionmaker: async_sessionmaker[AsyncSession], order_id: uuid.UUID, backoff: ExpiryBackoff
) -> None:
    async with sessionmaker() as session, session.begin():
        await session.execute(
            _BACK_OFF,
            {
                "order_id": order_id,
                "base": backoff.base.total_seconds(),
                "cap": backoff.cap.total_seconds(),
            },
        )


async def sweep_expired_orders(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    inventory: CatalogClient,
    stripe: StripeGateway,
    batch: int = BATCH,
    backoff: ExpiryBackoff = ExpiryBackoff(),
) -> dict[str, int]:
    now = utcnow()
    async with sessionmaker() as session:
        overdue = (
            await session.scalars(
                select(Order.id)
                .where(
                    Order.status == OrderStatus.PENDING_PAYMENT,
                    Order.reservation_expires_at <= now,
                    or_(Order.expiry_retry_at.is_(None), Order.expiry_retry_at <= now),
                    Order.attention.is_(None),
                )
                .order_by(Order.reservation_expires_at)
                .limit(batch)
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
            # Stripe or the catalog is down or refused: try this order again after its backoff.
            log.warning("could not expire order %s yet: %s", order_id, exc.detail)
            outcome = "retry"
        except Exception:  # one broken order must not stop the others from expiring
            log.exception("expiring order %s failed", order_id)
            outcome = "error"
        if outcome in NOT_EXPIRED_YET:
            try:
                await _back_off(sessionmaker, order_id, backoff)
            except Exception:  # the database is having trouble; the next pass will tell
                log.exception("could not record the expiry backoff of order %s", order_id)
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
    backoff = ExpiryBackoff(
        base=timedelta(seconds=settings.order_expiry_retry_base_seconds),
        cap=timedelta(seconds=settings.order_expiry_retry_max_seconds),
    )

    async def one_round() -> dict[str, int]:
        outcomes = await sweep_expired_orders(
            app.state.db.sessionmaker,
            inventory=app.state.catalog_client,
            stripe=app.state.stripe_gateway,
            batch=settings.order_expiry_batch_size,
            backoff=backoff,
        )
        await forget_old_idempotency_keys(app.state.db.sessionmaker)
        return outcomes

    await run_rounds(
        stop,
        one_round,
        every_seconds=settings.order_expiry_sweep_seconds,
        log=log,
        failed="expiry sweep failed",
        done="expiry sweep: %s",
    )
