"""Async SQLAlchemy 2 on psycopg 3: declarative base, engine and the request session.

The request's session is committed by the dependency when the endpoint returns and rolled
back when it raises, so service functions only ever `flush()`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shopkit.metrics import MeasuredPool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


TYPE_ANNOTATION_MAP: dict[Any, Any] = {datetime: DateTime(timezone=True)}


def new_base() -> type[DeclarativeBase]:
    """A fresh declarative base with its own metadata (for tests and throwaway models).

    Services declare theirs as a plain class, which type checkers understand:

        class Base(DeclarativeBase):
            metadata = MetaData(naming_convention=NAMING_CONVENTION)
            type_annotation_map = TYPE_ANNOTATION_MAP
    """

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)
        type_annotation_map = TYPE_ANNOTATION_MAP

    return Base


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), default=utcnow, onupdate=utcnow
    )


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    kwargs.setdefault("pool_pre_ping", True)
    # the async queue pool, keeping the in-use and waiting gauges of /metrics
    kwargs.setdefault("poolclass", MeasuredPool)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class Database:
    """Engine + sessionmaker pair kept on `app.state.db`."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessionmaker = make_sessionmaker(self.engine)

    async def dispose(self) -> None:
        await self.engine.dispose()


SessionFactory = Callable[[], AsyncSession]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, committed on success."""
    factory: SessionFactory = request.app.state.session_factory
    session = factory()
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()


# scope="function": commit (or roll back) right after the endpoint returns and *before* the
# response is sent, so a client never sees 201 for a write that is not yet visible to its
# next request, nor a success whose commit then failed.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
