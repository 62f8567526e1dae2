"""Retention: batched deletion of rows that have served their purpose.

A `RetentionRule` names a table, its key and which rows are old enough to go; `purge` deletes
them in batches, each batch its own short transaction. Concurrency rules:

- A batch picks its rows with `FOR UPDATE SKIP LOCKED`, so replicas (and a run that overlaps
  the previous one) share the work: a row locked by one run is skipped by the other, never
  waited for, and is deleted exactly once.
- Rows still in use are never old: the rule's predicate says which are done with (a sent
  outbox row, not a pending or failed one), and the relay locks the rows it works on, so a
  row being delivered right now cannot be picked.
- Each batch holds its locks for one `DELETE`, so the job never blocks the relay or a
  request for long; a pass stops after a batch that found fewer rows than the batch size.

Time comes from `clock`, so a test can make rows old without waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopkit.db import utcnow
from shopkit.periodic import run_rounds

log = logging.getLogger("shopkit.retention")

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RetentionRule:
    """Rows of `table` for which `expired(cutoff)` holds are deleted, `cutoff` being now
    minus `max_age`."""

    name: str
    table: Any  # a sqlalchemy Table
    key: Any  # its primary key column
    expired: Callable[[datetime], ColumnElement[bool]]
    max_age: timedelta


async def purge_batch(
    session: AsyncSession, rule: RetentionRule, *, cutoff: datetime, batch_size: int
) -> int:
    """Delete at most `batch_size` expired rows that no one else holds; returns how many."""
    victims = (
        select(rule.key)
        .where(rule.expired(cutoff))
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        delete(rule.table).where(rule.key.in_(victims.scalar_subquery()))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def purge(
    sessionmaker: async_sessionmaker[AsyncSession],
    rule: RetentionRule,
    *,
    batch_size: int = 1000,
    clock: Clock = utcnow,
    stop: asyncio.Event | None = None,
) -> int:
    """Delete every row the rule finds expired, one batch per transaction; returns the
    number deleted by this run."""
    cutoff = clock() - rule.max_age
    deleted = 0
    while stop is None or not stop.is_set():
        async with sessionmaker() as session, session.begin():
            count = await purge_batch(session, rule, cutoff=cutoff, batch_size=batch_size)
        deleted += count
        if count < batch_size:
            break
        await asyncio.sleep(0)  # let requests and the relay in between batches
    if deleted:
        log.info(
            "retention: %s %s row(s) older than %s deleted",
            deleted,
            rule.name,
            rule.max_age,
            extra={"fields": {"rule": rule.name, "deleted": deleted}},
        )
    return deleted


RulesFor = Callable[[Any], Sequence[RetentionRule]]


def retention_job(rules_for: RulesFor):  # type: ignore[no-untyped-def]
    """Background job for `create_service_app(background_jobs=...)`: every
    `RETENTION_SWEEP_SECONDS`, purge each rule built from the app's settings."""

    async def job(app: FastAPI, stop: asyncio.Event) -> None:
        settings = app.state.settings
        if not settings.retention_enabled:
            return
        rules = rules_for(settings)

        async def one_round() -> None:  # purge() logs what it deleted
            for rule in rules:
                try:
                    await purge(
                        app.state.db.sessionmaker,
                        rule,
                        batch_size=settings.retention_batch_size,
                        stop=stop,
                    )
                except Exception:  # one table's failure must not hold back the others
                    log.exception("retention pass for %s failed", rule.name)

        await run_rounds(
            stop,
            one_round,
            every_seconds=settings.retention_sweep_seconds,
            log=log,
            failed="retention pass failed",
        )

    return job
