"""`rate_limit.hit_all`: several limits (per account and per client address) in one statement."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from identity_commerce.services import rate_limit
from shopkit.db import utcnow
from shopkit.errors import TooManyRequests
from sqlalchemy.ext.asyncio import AsyncSession


async def hit(session: AsyncSession, checked: list[rate_limit.Limit], **kwargs: object) -> None:
    """One request's count: a request answered 429 rolls back, so its counts do not stay."""
    async with session.begin_nested():
        await rate_limit.hit_all(session, limits=checked, **kwargs)  # type: ignore[arg-type]


def limits(user: str, client: str) -> list[rate_limit.Limit]:
    return [
        rate_limit.Limit(f"t:user:{user}", 2, timedelta(minutes=10)),
        rate_limit.Limit(f"t:client:{client}", 3, timedelta(minutes=1)),
    ]


async def test_each_limit_counts_and_the_first_one_exceeded_answers_429(
    db_session: AsyncSession,
) -> None:
    alice, bob, office = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    now = utcnow()
    for _ in range(2):
        await hit(db_session, limits(alice, office), now=now)
    with pytest.raises(TooManyRequests) as per_user:
        await hit(db_session, limits(alice, office), now=now, code="checkout_rate_limited")
    assert per_user.value.body()["code"] == "checkout_rate_limited"
    assert per_user.value.headers == {"Retry-After": "600"}  # the user's window
    # Another user at the same address: the address allows one more (3), then stops.
    await hit(db_session, limits(bob, office), now=now)
    with pytest.raises(TooManyRequests) as per_address:
        await hit(db_session, limits(bob, office), now=now)
    assert per_address.value.headers == {"Retry-After": "60"}
    assert await rate_limit.attempts(db_session, key=f"t:user:{bob}", now=now) == 1
    # Even without the rollback a blocked caller cannot push its own window: the count
    # stops one above the limit.
    for _ in range(5):
        with pytest.raises(TooManyRequests):
            await rate_limit.hit_all(db_session, limits=limits(alice, office), now=now)
    assert await rate_limit.attempts(db_session, key=f"t:user:{alice}", now=now) == 3


async def test_windows_start_again_when_they_end(db_session: AsyncSession) -> None:
    user, client = uuid.uuid4().hex, uuid.uuid4().hex
    now = utcnow()
    for _ in range(3):
        await rate_limit.hit_all(db_session, limits=limits(user, client)[1:], now=now)
    later = now + timedelta(minutes=1, seconds=1)
    await rate_limit.hit_all(db_session, limits=limits(user, client), now=later)
    assert await rate_limit.attempts(db_session, key=f"t:client:{client}", now=later) == 1
    assert await rate_limit.attempts(db_session, key=f"t:user:{user}", now=later) == 1
