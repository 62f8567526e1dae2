"""Fixtures for the shared library's own tests: a throwaway database with two tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from shopkit.db import Database, UUIDPrimaryKey, new_base
from shopkit.events import make_event
from shopkit.outbox import OutboxMixin, add_event
from shopkit.settings import ServiceSettings
from shopkit.testing.database import create_database, drop_database
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import String, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

Base = new_base()


class Thing(UUIDPrimaryKey, Base):
    __tablename__ = "thing"
    name: Mapped[str] = mapped_column(String(50))


class Outbox(OutboxMixin, Base):
    pass


def add_test_events(
    session: AsyncSession, count: int, aggregate: str | None = None
) -> list[uuid.UUID]:
    """`count` ORDER_PAID events (data `{"n": 0}`, `{"n": 1}`, ...) added to the outbox in
    `session`'s transaction, for `aggregate` when given; their ids, oldest first."""
    ids = []
    for i in range(count):
        event = make_event("ORDER_PAID", source="test", data={"n": i})
        add_event(session, Outbox, event, aggregate_id=aggregate)
        ids.append(event.event_id)
    return ids


class KitSettings(ServiceSettings):
    service_name: str = "shopkit-tests"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    server = ServiceSettings().sqlalchemy_url
    name = f"test_shopkit_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    url = create_database(server, name)
    yield url
    drop_database(server, name)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    db = Database(database_url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield db.engine
    await db.dispose()


@pytest.fixture
async def database(engine: AsyncEngine, database_url: str) -> AsyncIterator[Database]:
    """The library tests commit for real, so each one starts from empty tables."""
    db = Database.__new__(Database)
    db.url, db.engine = database_url, engine
    from shopkit.db import make_sessionmaker

    db.sessionmaker = make_sessionmaker(engine)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE thing, outbox"))
    yield db


# `keys_dir` and `tokens` (test tokens signed with keys in that folder) come from the
# shopkit pytest plugin, as in the services' tests.
@pytest.fixture
def kit_settings(database_url: str, keys_dir: Path, tokens: TokenFactory) -> KitSettings:
    return KitSettings(
        database_url=database_url,
        keys_dir=keys_dir,
        env="test",
        max_body_bytes=1024,
        trusted_signers=["identity-commerce", "notifications"],
    )
