"""Fixtures for the shared library's own tests: a throwaway database with two tables."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from shopkit.db import Database, UUIDPrimaryKey, new_base
from shopkit.outbox import OutboxMixin
from shopkit.settings import ServiceSettings
from shopkit.testing.database import create_database, drop_database
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import String, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

Base = new_base()


class Thing(UUIDPrimaryKey, Base):
    __tablename__ = "thing"
    name: Mapped[str] = mapped_column(String(50))


class Outbox(OutboxMixin, Base):
    pass


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


@pytest.fixture(scope="session")
def lib_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def token_factory(lib_keys_dir: Path) -> TokenFactory:
    s = ServiceSettings()
    return TokenFactory(lib_keys_dir, issuer=s.jwt_issuer, audience=s.jwt_audience)


@pytest.fixture
def kit_settings(database_url: str, lib_keys_dir: Path, token_factory: TokenFactory) -> KitSettings:
    return KitSettings(
        database_url=database_url,
        keys_dir=lib_keys_dir,
        env="test",
        max_body_bytes=1024,
        trusted_signers=["identity-commerce", "notifications"],
    )
