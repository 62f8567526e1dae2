"""Rate limiting with fixed-window counters in PostgreSQL.

Counters live in the database rather than in process memory so that every worker process
(and every replica) sees the same numbers. One atomic `INSERT ... ON CONFLICT DO UPDATE`
both starts a new window when the old one has expired and counts the attempt, so concurrent
requests cannot slip past the limit between a read and a write.

Callers count an attempt *before* doing the expensive or sensitive work (`hit`), make that
count durable at once (the router commits), and then `refund` it when the attempt turned out
fine; so only failures stay counted, and a burst of parallel guesses is stopped at the limit.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from fastapi import FastAPI
from shopkit.db import make_sessionmaker, utcnow
from shopkit.errors import TooManyRequests
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import RateLimitCounter

log = logging.getLogger("identity_commerce.rate_limit")


@dataclass(frozen=True)
class Limit:
    key: str
    max_attempts: int
    window: timedelta


async def hit(session: AsyncSession, *, limit: Limit, now: datetime | None = None) -> None:
    """Count one attempt against `limit`; raise 429 (with Retry-After) past the limit.

    The count stops one above the limit, so a blocked caller cannot extend its own block by
    hammering: the window still ends `window` after its first attempt.
    """
    now = now or utcnow()
    table = RateLimitCounter.__table__
    expired = table.c.expires_at <= now
    statement = (
        insert(RateLimitCounter)
        .values(key=limit.key, count=1, window_started_at=now, expires_at=now + limit.window)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case(
                    (expired, 1),
                    (table.c.count > limit.max_attempts, table.c.count),
                    else_=table.c.count + 1,
                ),
                "window_started_at": case((expired, now), else_=table.c.window_started_at),
                "expires_at": case((expired, now + limit.window), else_=table.c.expires_at),
            },
        )
        .returning(table.c.count, table.c.expires_at)
    )
    count, expires_at = (await session.execute(statement)).one()
    if count > limit.max_attempts:
        retry_after = max(1, math.ceil((expires_at - now).total_seconds()))
        raise TooManyRequests("Too many attempts; try again later", retry_after=retry_after)


async def hit_all(
    session: AsyncSession,
    *,
    limits: Sequence[Limit],
    detail: str = "Too many attempts; try again later",
    now: datetime | None = None,
    **extra: Any,
) -> None:
    """`hit` for several limits (e.g. per account and per client address) in one statement;
    429 when any of them is past its limit, with the longest Retry-After among those.

    Every key is counted, also when another one trips: a request that answers 429 rolls
    its transaction back, which undoes them. Keys are counted in sorted order, so two
    requests sharing keys lock them in the same order and never deadlock. `extra` goes
    into the 429 body (e.g. a `code`).
    """
    now = now or utcnow()
    by_key = {limit.key: limit for limit in sorted(limits, key=lambda limit: limit.key)}
    if not by_key:
        return
    table = RateLimitCounter.__table__
    expired = table.c.expires_at <= now
    proposed = insert(RateLimitCounter).values(
        [
            {"key": key, "count": 1, "window_started_at": now, "expires_at": now + limit.window}
            for key, limit in by_key.items()
        ]
    )
    max_for_key = case(
        {key: limit.max_attempts for key, limit in by_key.items()}, value=table.c.key
    )
    statement = proposed.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case(
                (expired, 1),
                (table.c.count > max_for_key, table.c.count),
                else_=table.c.count + 1,
            ),
            "window_started_at": case(
                (expired, proposed.excluded.window_started_at), else_=table.c.window_started_at
            ),
            "expires_at": case((expired, proposed.excluded.expires_at), else_=table.c.expires_at),
        },
    ).returning(table.c.key, table.c.count, table.c.expires_at)
    exceeded = [
        expires_at
        for key, count, expires_at in (await session.execute(statement)).all()
        if count > by_key[key].max_attempts
    ]
    if exceeded:
        retry_after = max(1, math.ceil((max(exceeded) - now).total_seconds()))
        raise TooManyRequests(detail, retry_after=retry_after, **extra)


async def refund(session: AsyncSession, *, key: str) -> None:
    """Take back one counted attempt (it succeeded)."""
    await session.execute(
        update(RateLimitCounter)
        .where(RateLimitCounter.key == key, RateLimitCounter.count > 0)
        .values(count=RateLimitCounter.count - 1)
    )


async def reset(session: AsyncSession, *, key: str) -> None:
    """Forget every counted attempt for `key` (e.g. failures "in a row" end at a success)."""
    await session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))


async def attempts(session: AsyncSession, *, key: str, now: datetime | None = None) -> int:
    """Attempts counted in the current window (0 when none or expired)."""
    now = now or utcnow()
    value = await session.scalar(
        select(RateLimitCounter.count).where(
            RateLimitCounter.key == key, RateLimitCounter.expires_at > now
        )
    )
    return value or 0


async def delete_expired(session: AsyncSession, *, now: datetime | None = None) -> int:
    result = await session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.expires_at <= (now or func.now()))
    )
    return cast(CursorResult[Any], result).rowcount or 0


def expired_counter_sweeper_job():  # type: ignore[no-untyped-def]
    """Background job: drop expired counters now and then so the table stays small."""

    async def job(app: FastAPI, stop: asyncio.Event) -> None:
        interval = app.state.settings.rate_limit_sweep_seconds
        sessionmaker = make_sessionmaker(app.state.db.engine)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
                return
            except TimeoutError:
                pass
            try:
                async with sessionmaker() as session, session.begin():
                    removed = await delete_expired(session)
                if removed:
                    log.info("removed %d expired rate-limit counters", removed)
            except Exception:  # the next round tries again; never kill the app
                log.exception("sweeping rate-limit counters failed")

    return job
