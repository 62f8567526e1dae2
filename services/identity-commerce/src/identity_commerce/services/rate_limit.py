"""Rate limiting with fixed-window counters in PostgreSQL.

Counters live in the database rather than in process memory so that every worker process
(and every replica) sees the same numbers. One atomic `INSERT ... ON CONFLICT DO UPDATE`
both starts a new window when the old one has expired and counts the attempt, so concurrent
requests cannot slip past the limit between a read and a write.

Callers count an attempt *before* doing the expensive or sensitive work (`hit`), make that
count durable at once (the router commits), and then `refund` it when the attempt turned out
fine; so only failures stay counted, and a burst of parallel guesses is stopped at the limit.
A refused attempt (429) is not counted: the request's transaction rolls back.

Two more shapes share the table:

- `hit_with_backoff` never blocks for the rest of a window: past a number of free attempts,
  each further one must wait longer (doubling, capped) after the previous one. Used where a
  block would let one caller lock others out (all addresses' failed logins to one account).
- `remember` / `remembered`: a marker that something happened recently (an account signed in
  from an address), kept until it expires like any counter.
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
from shopkit.periodic import run_rounds
from sqlalchemy import and_, case, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import RateLimitCounter
from identity_commerce.services import account_links

log = logging.getLogger("identity_commerce.rate_limit")


@dataclass(frozen=True)
class Limit:
    key: str
    max_attempts: int
    window: timedelta


def per_caller_and_client(
    action: str, *, caller: str, client: str, per_caller: int, per_client: int, window: timedelta
) -> list[Limit]:
    """The usual pair: one counter for who acts (`<action>:<caller>`) and a larger one for
    their client address (`<action>:client:<address>`, shared by a NAT), over one window."""
    return [
        Limit(f"{action}:{caller}", per_caller, window),
        Limit(f"{action}:client:{client}", per_client, window),
    ]


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


@dataclass(frozen=True)
class Backoff:
    """`free_attempts` per `window`, then a wait of base * 2^k (at most `max_delay`) after
    the previous counted attempt, k counting the attempts past the free ones."""

    key: str
    free_attempts: int
    window: timedelta
    base_delay: timedelta
    max_delay: timedelta

    def delay(self, count: int) -> float:
        """Seconds the attempt after `count` counted ones must wait after the last one."""
        if count < self.free_attempts:
            return 0.0
        exponent = min(count - self.free_attempts, 30)
        return min(self.base_delay.total_seconds() * 2**exponent, self.max_delay.total_seconds())


async def hit_with_backoff(
    session: AsyncSession, *, backoff: Backoff, now: datetime | None = None
) -> None:
    """Count one attempt against `backoff`, or raise 429 with Retry-After = the rest of the
    wait when it comes too soon. One atomic upsert decides and counts, so parallel attempts
    cannot all slip through the same opening."""
    now = now or utcnow()
    table = RateLimitCounter.__table__
    expired = table.c.expires_at <= now
    wait_seconds = func.least(
        backoff.base_delay.total_seconds()
        * func.power(2, func.least(table.c.count - backoff.free_attempts, 30)),
        backoff.max_delay.total_seconds(),
    )
    too_soon = and_(
        table.c.count >= backoff.free_attempts,
        table.c.last_hit_at.is_not(None),
        literal(now) < table.c.last_hit_at + func.make_interval(0, 0, 0, 0, 0, 0, wait_seconds),
    )
    statement = (
        insert(RateLimitCounter)
        .values(
            key=backoff.key,
            count=1,
            window_started_at=now,
            expires_at=now + backoff.window,
            last_hit_at=now,
        )
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, 1), (too_soon, table.c.count), else_=table.c.count + 1),
                "window_started_at": case((expired, now), else_=table.c.window_started_at),
                "expires_at": case((expired, now + backoff.window), else_=table.c.expires_at),
                "last_hit_at": case(
                    (expired, now), (too_soon, table.c.last_hit_at), else_=literal(now)
                ),
            },
        )
        .returning(table.c.count, table.c.last_hit_at)
    )
    count, last_hit_at = (await session.execute(statement)).one()
    if last_hit_at != now:  # refused: the counter kept its previous attempt
        waited = (now - last_hit_at).total_seconds()
        retry_after = max(1, math.ceil(backoff.delay(count) - waited))
        raise TooManyRequests(
            "Too many failed attempts for this account; try again shortly",
            retry_after=retry_after,
        )


async def remember(
    session: AsyncSession, *, key: str, ttl: timedelta, now: datetime | None = None
) -> None:
    """Note that `key` happened; `remembered` answers True until `ttl` has passed."""
    now = now or utcnow()
    table = RateLimitCounter.__table__
    await session.execute(
        insert(RateLimitCounter)
        .values(key=key, count=1, window_started_at=now, expires_at=now + ttl, last_hit_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": 1, "expires_at": now + ttl, "last_hit_at": now},
        )
    )


async def remembered(session: AsyncSession, *, key: str, now: datetime | None = None) -> bool:
    return await attempts(session, key=key, now=now) > 0


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


async def hit_all_and_commit(
    counting: AsyncSession, *, limits: Sequence[Limit], detail: str, **extra: Any
) -> None:
    """`hit_all` on a session of its own (not the request's), committed at once: the count
    stays whatever the request does next. A refused attempt (429, or any error) is rolled
    back, so it counts nothing."""
    try:
        await hit_all(counting, limits=limits, detail=detail, **extra)
    except BaseException:
        await counting.rollback()
        raise
    await counting.commit()


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


async def expired_counter_sweeper_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job: drop expired counters (and expired account links, which open
    nothing any more) now and then so the tables stay small."""
    interval = app.state.settings.rate_limit_sweep_seconds
    sessionmaker = make_sessionmaker(app.state.db.engine)

    async def one_round() -> dict[str, int]:
        async with sessionmaker() as session, session.begin():
            removed = {
                "rate-limit counters": await delete_expired(session),
                "account links": await account_links.delete_expired(session),
            }
        return {kind: n for kind, n in removed.items() if n}

    await run_rounds(
        stop,
        one_round,
        every_seconds=interval,
        log=log,
        failed="sweeping rate-limit counters failed",
        done="removed expired rows: %s",
        wait_first=True,
    )
