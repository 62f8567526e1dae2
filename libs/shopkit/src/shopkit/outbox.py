"""Transactional outbox (eShop's IntegrationEventLog shape) and its relay.

`add_event` writes the envelope into the service's `outbox` table inside the caller's
transaction, so an event exists exactly when the change that caused it was committed.
`OutboxRelay` delivers pending rows: `FOR UPDATE SKIP LOCKED` lets several relays (one per
worker process) share the table without sending a row twice at once.

Rules the relay keeps:

- A failure worth another try (the receiver down, a timeout, 5xx, 401/403 while keys
  propagate, 404, 429) backs off exponentially up to a cap and is tried again, for as long as
  the row is younger than `max_age` (counted from when it was queued). Only a refusal of the
  event itself (`PermanentDeliveryError`) or that age limit parks the row as `failed`; a
  number of attempts never does, so an outage of hours loses nothing.
- Rows of one aggregate (an order) go out in the order they were written. A row waits while
  an older row of its aggregate is unsettled (`pending` or `failed`): a parked event holds
  the newer ones back until an admin retries it (`retry_failed`) or gives it up
  (`discard_failed`), because an "order shipped" email must never overtake the "order paid"
  one that is stuck.
- Time comes from the relay's `clock`, so a test can live through a day of backoff without
  waiting for it.
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

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Identity,
    Index,
    String,
    Text,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from shopkit.db import utcnow
from shopkit.events import EventEnvelope
from shopkit.retention import RetentionRule

log = logging.getLogger("shopkit.outbox")

PENDING, SENT, FAILED, DISCARDED = "pending", "sent", "failed", "discarded"
STATUSES = (PENDING, SENT, FAILED, DISCARDED)
# Rows that hold back the newer rows of their aggregate. Written as SQL literals (not bound
# parameters) wherever they filter, so PostgreSQL matches the partial index below even with
# a generic plan.
UNSETTLED = (PENDING, FAILED)
UNSETTLED_SQL = ", ".join(f"'{status}'" for status in UNSETTLED)
DEFAULT_MAX_AGE = timedelta(hours=24)

Deliver = Callable[[dict[str, Any]], Awaitable[None]]
Clock = Callable[[], datetime]


class PermanentDeliveryError(Exception):
    """The receiver refused the event itself (malformed, unknown type): sending it again
    cannot succeed, so the row goes straight to `failed` for an admin to look at, instead of
    retrying with backoff for hours first. The admin retry still works once it is fixed."""


def is_unsettled(status: ColumnElement[str]) -> ColumnElement[bool]:
    """`status IN ('pending', 'failed')` with literals, the partial index's own predicate."""
    return status.in_([literal_column(f"'{s}'") for s in UNSETTLED])


class OutboxMixin:
    """Columns of the `outbox` table; a service maps it with its own Base."""

    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # == envelope event_id
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, server_default=PENDING)
    # deliveries tried since the row was (re)queued; drives the backoff, never a give-up
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    # when the row was written or last queued again by an admin: the age limit counts from here
    queued_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    discarded_at: Mapped[datetime | None] = mapped_column()
    discarded_by: Mapped[str | None] = mapped_column(String(128))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            # the relay's scan (status = 'pending' in seq order) and the admin list by status
            Index("ix_outbox_status_seq", "status", "seq"),
            # "is an older row of this aggregate unsettled?": only undelivered rows are in
            # it, so the check never walks an aggregate's delivered history
            Index(
                "ix_outbox_unsettled",
                "aggregate_id",
                "seq",
                postgresql_where=text(f"status IN ({UNSETTLED_SQL})"),
            ),
            # retention: sent rows by age (shopkit.retention), nothing else is in it
            Index("ix_outbox_sent_at", "sent_at", postgresql_where=text(f"status = '{SENT}'")),
        )


def add_event(
    session: AsyncSession,
    model: type[OutboxMixin],
    envelope: EventEnvelope,
    *,
    aggregate_id: str | uuid.UUID | None = None,
) -> OutboxMixin:
    now = utcnow()
    row = cast(Any, model)(  # a mapped subclass of the mixin takes the columns
        id=envelope.event_id,
        event_type=envelope.type,
        aggregate_id=str(aggregate_id) if aggregate_id is not None else None,
        payload=envelope.to_json_dict(),
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        queued_at=now,
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
    dead: int = 0  # rows parked as `failed` in this pass


class OutboxRelay:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        model: type[OutboxMixin],
        deliver: Deliver,
        max_age: timedelta = DEFAULT_MAX_AGE,
        backoff_base: float = 1.0,
        backoff_max: float = 300.0,
        batch_size: int = 20,
        poll_seconds: float = 1.0,
        clock: Clock = utcnow,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.model = model
        self.deliver = deliver
        self.max_age = max_age
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the loop to look again now (after a commit that wrote events)."""
        self._wake.set()

    def due_rows_query(self, now: datetime) -> Any:
        """Pending rows whose backoff is over and that no older unsettled row of their
        aggregate holds back, oldest first, locked for this relay."""
        m = self.model
        table = m.__table__  # type: ignore[attr-defined]
        older = table.alias("older")
        held_back = (
            select(text("1"))
            .select_from(older)
            .where(
                older.c.aggregate_id == table.c.aggregate_id,
                is_unsettled(older.c.status),
                older.c.seq < table.c.seq,
            )
            .exists()
        )
        return (
            select(m)
            .where(m.status == PENDING, m.next_attempt_at <= now, ~held_back)
            .order_by(m.seq)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )

    async def run_once(self) -> RelayStats:
        stats = RelayStats()
        async with self.sessionmaker() as session, session.begin():
            rows = (await session.scalars(self.due_rows_query(self.clock()))).all()
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
                row.sent_at = self.clock()
                row.last_error = None
                stats.delivered += 1
        return stats

    def _record_failure(self, row: OutboxMixin, exc: Exception, stats: RelayStats) -> None:
        now = self.clock()
        row.attempts += 1
        error = f"{exc.__class__.__name__}: {exc}"
        age = now - row.queued_at
        if isinstance(exc, PermanentDeliveryError):
            self._park(row, error, stats)
        elif age >= self.max_age:
            self._park(row, f"gave up after {_duration(age)} of retrying; {error}", stats)
        else:
            delay = backoff_delay(row.attempts, base=self.backoff_base, maximum=self.backoff_max)
            row.next_attempt_at = now + timedelta(seconds=delay)
            row.last_error = error[:2000]
            stats.failed_attempts += 1
            log.warning("outbox event %s attempt %s failed: %s", row.id, row.attempts, exc)

    @staticmethod
    def _park(row: OutboxMixin, reason: str, stats: RelayStats) -> None:
        row.status = FAILED
        row.last_error = reason[:2000]
        stats.dead += 1
        log.error("outbox event %s (%s) parked as failed: %s", row.id, row.event_type, reason)

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


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def sent_outbox_retention(model: type[OutboxMixin], max_age: timedelta) -> RetentionRule:
    """Delivered rows go `max_age` after they were sent. Pending and failed rows stay
    whatever their age (they are the work and its evidence), and so do discarded ones (the
    record of an admin's decision)."""
    return RetentionRule(
        name=f"{model.__tablename__} sent",
        table=model.__table__,  # type: ignore[attr-defined]
        key=model.id,
        expired=lambda cutoff: (
            (model.status == literal_column(f"'{SENT}'")) & (model.sent_at < cutoff)
        ),
        max_age=max_age,
    )


async def retry_failed(
    session: AsyncSession, model: type[OutboxMixin], event_id: uuid.UUID
) -> bool:
    """Put a failed row back in the queue: due now, with a fresh backoff and age limit."""
    now = utcnow()
    result = await session.execute(
        update(model)
        .where(model.id == event_id, model.status == FAILED)
        .values(status=PENDING, attempts=0, next_attempt_at=now, queued_at=now, last_error=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def discard_failed(
    session: AsyncSession, model: type[OutboxMixin], event_id: uuid.UUID, *, by: str
) -> bool:
    """Give a failed row up for good (it is never sent); the newer rows of its aggregate
    that it held back go out next. `by` records who decided."""
    result = await session.execute(
        update(model)
        .where(model.id == event_id, model.status == FAILED)
        .values(status=DISCARDED, discarded_at=utcnow(), discarded_by=by[:128])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
