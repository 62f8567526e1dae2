"""What must still happen after an order was refunded or cancelled once paid, recorded in the
same transaction as that change and then done until it has succeeded once.

- `restock`: units that were committed and never shipped go back on hand
  (`POST /inventory/restock` with the key `order-<id>-restock`: catalog-fulfillment adds
  them once however often it is asked, whichever refund path asked); a partial refund that
  restocks records its own (key `order-<id>-refund-<refund id>-restock`, follow-up key the
  refund id), and the whole-order restock then adds only the units not refunded before;
- `reverify_reviews`: catalog-fulfillment checks the customer's reviews of the order's
  products again (`POST /reviews/reverify`), so a refunded order stops making a verified
  purchase.

Why this shape: the refund itself goes through Stripe first (keyed by order and amount) and
the status change, the event and these rows commit together, so a refunded order always
knows what it still owes the catalog. The request that closed the order tries the work
right after its commit (`run_followups_of_order`); whatever fails there (catalog down) is
retried by `order_followups_job` with an exponential backoff capped at
ORDER_FOLLOWUP_RETRY_MAX_SECONDS. One row per (order, kind, key) makes recording idempotent, and
a refusal that asking again cannot fix (an unknown sku) is parked as `failed` and logged.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from shopkit.db import utcnow
from shopkit.periodic import run_rounds
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity_commerce.clients.catalog import (
    CatalogClient,
    RestockRefused,
    ReverifyRefused,
    StockRequest,
)
from identity_commerce.models import FollowUpKind, FollowUpStatus, Order, OrderFollowUp

log = logging.getLogger("identity_commerce.followups")
BATCH = 50


def restock_key(order_id: uuid.UUID) -> str:
    """The one restock key of an order, whatever path refunded it."""
    return f"order-{order_id}-restock"


def line_restock_key(order_id: uuid.UUID, refund_id: uuid.UUID) -> str:
    """The restock key of one partial refund's lines."""
    return f"order-{order_id}-refund-{refund_id}-restock"


def record_line_restock(
    session: AsyncSession,
    order: Order,
    *,
    refund_id: uuid.UUID,
    lines: list[tuple[str, int]],
) -> None:
    """Record the restock of the lines one partial refund gave back (its own key, so the
    catalog adds them once, and a later whole-order restock adds only the other units)."""
    session.add(
        OrderFollowUp(
            id=uuid.uuid4(),
            order_id=order.id,
            kind=FollowUpKind.RESTOCK.value,
            key=str(refund_id),
            payload={
                "key": line_restock_key(order.id, refund_id),
                "items": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
            },
            status=FollowUpStatus.PENDING.value,
            attempts=0,
            next_attempt_at=utcnow(),
        )
    )


async def record_after_refund(session: AsyncSession, order: Order, *, restock: bool) -> None:
    """Record the follow-ups of a refunded or cancelled paid order (items loaded), whose
    every unit counts as refunded from now on. `restock` only when its stock was committed
    and is still on the shelf: then the units not refunded line by line before go back."""
    rows: list[dict[str, Any]] = []
    left = [(i.sku, i.refundable_quantity) for i in order.items if i.refundable_quantity > 0]
    for item in order.items:
        item.refunded_quantity = item.quantity
    if restock and left:
        rows.append(
            {
                "kind": FollowUpKind.RESTOCK.value,
                "payload": {
                    "key": restock_key(order.id),
                    "items": [{"sku": sku, "quantity": quantity} for sku, quantity in left],
                },
            }
        )
    product_ids = sorted({str(i.product_id) for i in order.items if i.product_id is not None})
    if product_ids and order.user_id is not None:  # a guest wrote no reviews
        rows.append(
            {
                "kind": FollowUpKind.REVERIFY_REVIEWS.value,
                "payload": {"user_id": str(order.user_id), "product_ids": product_ids},
            }
        )
    if not rows:
        return
    now = utcnow()
    await session.execute(
        insert(OrderFollowUp)
        .values(
            [
                {
                    "id": uuid.uuid4(),
                    "order_id": order.id,
                    "key": "",
                    "status": FollowUpStatus.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    **row,
                }
                for row in rows
            ]
        )
        .on_conflict_do_nothing(constraint="uq_order_followups_order_id_kind_key")
    )


@dataclass(frozen=True)
class FollowUpClients:
    catalog: CatalogClient
    retry_base: timedelta
    retry_max: timedelta
    session_factory: Callable[[], AsyncSession]

    def delay(self, attempts: int) -> timedelta:
        """1x, 2x, 4x ... the base after each failed attempt, never more than the cap."""
        return min(self.retry_max, self.retry_base * (2 ** max(0, attempts - 1)))


def followup_clients(app: FastAPI) -> FollowUpClients:
    settings = app.state.settings
    return FollowUpClients(
        catalog=app.state.catalog_client,
        retry_base=timedelta(seconds=settings.order_followup_retry_base_seconds),
        retry_max=timedelta(seconds=settings.order_followup_retry_max_seconds),
        session_factory=app.state.session_factory,
    )


async def finish_after_commit(
    session: AsyncSession, *, order_id: uuid.UUID, clients: FollowUpClients
) -> None:
    """For a router whose change may have recorded follow-ups: commit the change (the order
    is refunded or cancelled whatever happens next), then try the follow-ups right away in a
    session of their own. Never raises: what fails is left to the background job."""
    await session.commit()
    try:
        async with clients.session_factory() as own:
            await run_followups_of_order(own, order_id=order_id, clients=clients)
            await own.commit()
    except Exception:  # the order is committed; its follow-ups wait for the job
        log.exception("follow-ups of order %s left to the background job", order_id)


async def _perform(followup: OrderFollowUp, clients: FollowUpClients) -> None:
    payload = followup.payload
    if followup.kind == FollowUpKind.RESTOCK:
        await clients.catalog.restock(
            key=str(payload["key"]),
            items=[
                StockRequest(sku=i["sku"], quantity=int(i["quantity"])) for i in payload["items"]
            ],
        )
    elif followup.kind == FollowUpKind.REVERIFY_REVIEWS:
        await clients.catalog.reverify_reviews(
            user_id=uuid.UUID(payload["user_id"]),
            product_ids=[uuid.UUID(p) for p in payload["product_ids"]],
        )
    else:  # pragma: no cover - a kind this code does not know was recorded by a newer one
        raise RestockRefused(f"unknown follow-up kind {followup.kind!r}")


async def attempt_followup(followup: OrderFollowUp, clients: FollowUpClients) -> str:
    """Try one (locked) follow-up and record the outcome on it."""
    followup.attempts += 1
    try:
        await _perform(followup, clients)
    except (RestockRefused, ReverifyRefused) as refused:
        followup.status = FollowUpStatus.FAILED.value
        followup.last_error = str(refused)[:2000]
        log.error("%s of order %s refused for good: %s", followup.kind, followup.order_id, refused)
        return "failed"
    except Exception as exc:  # catalog down, a timeout, a bad answer: ask again later
        followup.next_attempt_at = utcnow() + clients.delay(followup.attempts)
        followup.last_error = repr(exc)[:2000]
        log.warning(
            "%s of order %s failed (attempt %d), retrying later: %r",
            followup.kind,
            followup.order_id,
            followup.attempts,
            exc,
        )
        return "retry"
    followup.status = FollowUpStatus.DONE.value
    followup.done_at = utcnow()
    followup.last_error = None
    return "done"


def _lockable_pending() -> Any:
    return (
        select(OrderFollowUp)
        .where(OrderFollowUp.status == FollowUpStatus.PENDING.value)
        .with_for_update(skip_locked=True)
    )


async def run_followups_of_order(
    session: AsyncSession, *, order_id: uuid.UUID, clients: FollowUpClients
) -> None:
    """Try the order's pending follow-ups now (those another process works on are skipped);
    each failure is recorded on its row for the job."""
    followups = (
        await session.scalars(_lockable_pending().where(OrderFollowUp.order_id == order_id))
    ).all()
    for followup in followups:
        await attempt_followup(followup, clients)
    await session.flush()


async def run_due_followups(
    sessionmaker: async_sessionmaker[AsyncSession], *, clients: FollowUpClients
) -> dict[str, int]:
    """One pass: every due follow-up, each in its own transaction under its row lock."""
    async with sessionmaker() as session:
        due = (
            await session.scalars(
                select(OrderFollowUp.id)
                .where(
                    OrderFollowUp.status == FollowUpStatus.PENDING.value,
                    OrderFollowUp.next_attempt_at <= utcnow(),
                )
                .order_by(OrderFollowUp.next_attempt_at)
                .limit(BATCH)
            )
        ).all()
    outcomes: dict[str, int] = {}
    for followup_id in due:
        async with sessionmaker() as session, session.begin():
            followup = await session.scalar(
                _lockable_pending().where(
                    OrderFollowUp.id == followup_id, OrderFollowUp.next_attempt_at <= utcnow()
                )
            )
            outcome = "busy" if followup is None else await attempt_followup(followup, clients)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


async def order_followups_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job: retry due follow-ups every ORDER_FOLLOWUP_POLL_SECONDS."""
    if not app.state.settings.order_followups_enabled:
        return
    await run_rounds(
        stop,
        lambda: run_due_followups(app.state.db.sessionmaker, clients=followup_clients(app)),
        every_seconds=app.state.settings.order_followup_poll_seconds,
        log=log,
        failed="order follow-up pass failed",
        done="order follow-ups: %s",
    )
