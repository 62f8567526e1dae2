"""Saving a back-office row whose name or code must be unique."""

from __future__ import annotations

from shopkit.errors import Conflict
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


async def flush_unique(session: AsyncSession, taken: Conflict) -> None:
    """Flush the pending changes in a savepoint: when a unique index refuses them the answer
    is `taken` (409), and the request's transaction stays usable."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise taken from exc
