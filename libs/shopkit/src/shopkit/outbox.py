"""Transactional outbox (eShop's IntegrationEventLog shape) and its relay.

`add_event` writes the envelope into the service's `outbox` table inside the caller's
transaction, so an event exists exactly when the change that caused it was committed.
`OutboxRelay` delivers pending rows: `FOR UPDATE SKIP LOCKED` lets several relays (one per
worker process) share the table without sending a row twice at once; failures back off
exponentially and a row becomes `failed` after `max_attempts`. Rows of one aggregate (an
order) go out in the order they were written: a row waits while an older row of the same
aggregate is still pending.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import BigInteger, Identity, Index, String, Text, func, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from shopkit.db import utcnow
from shopkit.events import EventEnvelope

log = logging.getLogger("shopkit.outbox")

PENDING, SENT, FAILED = "pending", "sent", "failed"
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class PermanentDeliveryError(Exception):
    """The receiver refused the event itself (malformed, unknown type): sending it again
    cannot succeed, so the row goes straight to `failed` for an admin to look at, instead of
    retrying with backoff for minutes first. The admin retry still works once it is fixed."""


class OutboxMixin:
    """Columns of the `outbox` table; a service maps it with its own Base."""

    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # == envelope event_id
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, server_default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            Index("ix_outbox_due", "status", "next_attempt_at"),
            Index("ix_outbox_aggregate", "aggregate_id", "seq"),
        )


def add_event(
    session: AsyncSession,
    model: type[OutboxMixin],
    envelope: EventEnvelope,
    *,
    aggregate_id: str | uuid.UUID | None = None,
) -> OutboxMixin:
    row = cast(Any, model)(  # a mapped subclass of the mixin takes the columns
        id=envelope.event_id,
        event_type=envelope.type,
        aggregate_id=str(aggregate_id) if aggregate_id is not None else None,
        payload=envelope.to_json_dict(),
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(row)
    return row


def backoff_delay(attempts: int, *, base: float, maximum: float) -> float:
    """Exponential backoff with +-20% jitter so relays don't retry in lockstep."""
    delay = min(maximum, base * (2 ** max(0, attempts - 1)))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


@dataclass
class RelayStats:
    delivered: int = 0
    failed_attempts: int = 0
    dead: int = 0


class OutboxRelay:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        model: type[OutboxMixin],
        deliver: Deliver,
        max_attempts: int = 8,
        backoff_base: float = 1.0,
        backoff_max: float = 300.0,
        batch_size: int = 20,
        poll_seconds: float = 1.0,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.model = model
        self.deliver = deliver
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the loop to look again now (after a commit that wrote events)."""
        self._wake.set()

    def _due_rows_query(self) -> Any:
        m = self.model
        table = m.__table__  # type: ignore[attr-defined]
        older = table.alias("older")
        blocked_by_older = (
            select(text("1"))
            .select_from(older)
            .where(
                older.c.aggregate_id == table.c.aggregate_id,
                older.c.status == PENDING,
                older.c.seq < table.c.seq,
            )
            .exists()
        )
        return (
            select(m)
            .where(m.status == PENDING, m.next_attempt_at <= func.now(), ~blocked_by_older)
            .order_by(m.seq)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )

    async def run_once(self) -> RelayStats:
        stats = RelayStats()
        async with self.sessionmaker() as session, session.begin():
            rows = (await session.scalars(self._due_rows_query())).all()
            stalled: set[str] = set()
            for row in rows:
                if row.aggregate_id is not None and row.aggregate_id in stalled:
                    continue  # keep per-aggregate order: an older one just failed
                try:
                    await self.deliver(row.payload)
                except Exception as exc:  # any failure is one attempt
                    self._record_failure(row, exc, stats)
                    if row.aggregate_id is not None:
                        stalled.add(row.aggregate_id)
                    continue
                row.status = SENT
                row.attempts += 1
                row.sent_at = utcnow()
                row.last_error = None
                stats.delivered += 1
        return stats

    def _record_failure(self, row: OutboxMixin, exc: Exception, stats: RelayStats) -> None:
        row.attempts += 1
        row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if row.attempts >= self.max_attempts or isinstance(exc, PermanentDeliveryError):
            row.status = FAILED
            stats.dead += 1
            log.error("outbox event %s (%s) failed for good", row.id, row.event_type)
        else:
            delay = backoff_delay(row.attempts, base=self.backoff_base, maximum=self.backoff_max)
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            stats.failed_attempts += 1
            log.warning("outbox event %s attempt %s failed: %s", row.id, row.attempts, exc)

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                stats = await self.run_once()
            except Exception:  # the DB may be briefly down; keep the loop alive
                log.exception("outbox relay pass failed")
                stats = RelayStats()
            if stats.delivered:
                continue  # more may be due, e.g. the next event of an order just unblocked
            self._wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waiters, timeout=self.poll_seconds, return_when="FIRST_COMPLETED")
            for w in waiters:
                w.cancel()


async def retry_failed(
    session: AsyncSession, model: type[OutboxMixin], event_id: uuid.UUID
) -> bool:
    """Put a failed row back in the queue with a fresh attempt budget."""
    result = await session.execute(
        update(model)
        .where(model.id == event_id, model.status == FAILED)
        .values(status=PENDING, attempts=0, next_attempt_at=func.now(), last_error=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
