"""pytest plugin shared by the services (loaded through the `pytest11` entry point).

A service's `tests/conftest.py` defines one session fixture, `service_under_test` (most
simply `service_under_test = declared_service_fixture(SERVICE)`), and gets:

- `test_databases` / `database_url`: one migrated database per service, run and xdist worker;
- `db_connection` / `db_session`: each test inside a transaction that is rolled back;
- `app` / `client`: the service app whose request sessions join that transaction;
- `tokens`: good and bad RS256 tokens signed with throwaway keys;
- `live_processes`: start real uvicorn processes on free ports, stopped after the test.

`shopkit.testing.health.HealthChecks` holds the checks every service passes; a service's
`tests/test_health.py` runs them by subclassing it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from shopkit.accounts import RemoteAccountCheck
from shopkit.db import Database
from shopkit.service import ServiceDeclaration
from shopkit.settings import ServiceSettings
from shopkit.testing.accounts import directory_transport
from shopkit.testing.database import TestDatabases
from shopkit.testing.live import LiveService, free_port, start_process, uvicorn_argv
from shopkit.testing.tokens import TokenFactory


@dataclass
class ServiceUnderTest:
    """What the plugin needs to know about the service whose tests are running."""

    name: str  # package name, e.g. "catalog_fulfillment"
    alembic_ini: Path
    settings_cls: type[ServiceSettings]
    app_factory: Callable[[ServiceSettings], FastAPI]
    app_path: str  # "catalog_fulfillment.main:app" (uvicorn --factory) for live processes
    database_env: str  # e.g. "CATALOG_DATABASE_URL"
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    declaration: ServiceDeclaration | None = None

    @classmethod
    def declared(
        cls,
        service: ServiceDeclaration,
        *,
        settings_overrides: dict[str, Any] | None = None,
        alembic_ini: Path | None = None,
    ) -> ServiceUnderTest:
        """The service as its declaration describes it; `alembic.ini` is the one nearest
        above its package (the service's folder)."""
        return cls(
            name=service.package,
            alembic_ini=alembic_ini or _nearest_alembic_ini(service.package),
            settings_cls=service.settings_class(),
            app_factory=service.create_app,
            app_path=service.app_path,
            database_env=service.database_env,
            settings_overrides=settings_overrides or {},
            declaration=service,
        )


def declared_service_fixture(
    service: ServiceDeclaration, *, settings_overrides: dict[str, Any] | None = None
) -> Any:
    """A conftest's `service_under_test` fixture for a service that needs no other fixture
    to describe it: `service_under_test = declared_service_fixture(SERVICE, ...)`."""

    @pytest.fixture(scope="session", name="service_under_test")
    def declared() -> ServiceUnderTest:
        return ServiceUnderTest.declared(service, settings_overrides=settings_overrides)

    return declared


def _nearest_alembic_ini(package: str) -> Path:
    module = importlib.import_module(package)
    start = Path(module.__file__ or "").resolve().parent
    for folder in (start, *start.parents):
        if (folder / "alembic.ini").is_file():
            return folder / "alembic.ini"
    raise FileNotFoundError(f"no alembic.ini above {start}")


def _server_url(settings_cls: type[ServiceSettings]) -> str:
    return settings_cls().sqlalchemy_url


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def tokens(keys_dir: Path) -> TokenFactory:
    defaults = ServiceSettings()
    return TokenFactory(keys_dir, issuer=defaults.jwt_issuer, audience=defaults.jwt_audience)


@pytest.fixture(scope="session", autouse=True)
def identity_account_directory(tokens: TokenFactory) -> Iterator[None]:
    """Apps built in this test process ask no real identity-commerce about the accounts
    behind user tokens: its account directory answers for the users `tokens` minted tokens
    for (shopkit.testing.accounts). Live processes are not affected."""
    RemoteAccountCheck.default_transport = directory_transport(tokens)
    try:
        yield
    finally:
        RemoteAccountCheck.default_transport = None


@pytest.fixture(scope="session")
def test_databases(service_under_test: ServiceUnderTest) -> Iterator[TestDatabases]:
    sut = service_under_test
    dbs = TestDatabases(_server_url(sut.settings_cls), sut.name, sut.alembic_ini)
    dbs.create_migrated()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def database_url(test_databases: TestDatabases) -> str:
    return test_databases.url


@pytest.fixture(scope="session")
def settings(
    service_under_test: ServiceUnderTest, database_url: str, keys_dir: Path, tokens: TokenFactory
) -> ServiceSettings:
    overrides: dict[str, Any] = {
        "database_url": database_url,
        "keys_dir": keys_dir,
        "env": "test",
        "outbox_relay_enabled": False,
        "log_json": True,
        **service_under_test.settings_overrides,
    }
    return service_under_test.settings_cls(**overrides)


@pytest.fixture(scope="session")
async def db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    db = Database(database_url, pool_size=5, max_overflow=20)
    yield db.engine
    await db.dispose()


@pytest.fixture
async def db_connection(db_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with db_engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            if transaction.is_active:
                await transaction.rollback()


def joined_session(conn: AsyncConnection) -> AsyncSession:
    """A session whose commit only releases a savepoint of the test's transaction."""
    return AsyncSession(
        bind=conn,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
async def db_session(db_connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    session = joined_session(db_connection)
    try:
        yield session
    finally:
        await session.close()


@pytest.fixture
async def app(
    service_under_test: ServiceUnderTest,
    settings: ServiceSettings,
    db_engine: AsyncEngine,
    db_connection: AsyncConnection,
) -> AsyncIterator[FastAPI]:
    application = service_under_test.app_factory(settings)
    db = Database.__new__(Database)
    db.url, db.engine = str(db_engine.url), db_engine
    application.state.db = db
    application.state.session_factory = lambda: joined_session(db_connection)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class LiveProcesses:
    """Starts services as real processes for multi-process tests and stops them after."""

    def __init__(self, log_dir: Path, keys_dir: Path) -> None:
        self.log_dir = log_dir
        self.keys_dir = keys_dir
        self.running: list[LiveService] = []

    def start(
        self,
        name: str,
        app_path: str,
        env: dict[str, str] | None = None,
        *,
        workers: int = 1,
        port: int | None = None,
    ) -> LiveService:
        port = port or free_port()
        full_env = {
            "ENV": "test",
            "KEYS_DIR": str(self.keys_dir),
            "LOG_JSON": "true",
            **(env or {}),
        }
        service = start_process(
            name,
            uvicorn_argv(app_path, port, workers),
            port=port,
            env=full_env,
            log_dir=self.log_dir,
        )
        self.running.append(service)
        return service

    def start_service(
        self,
        service: ServiceDeclaration,
        database_url: str,
        env: dict[str, str] | None = None,
        **options: Any,
    ) -> LiveService:
        """A declared service as a real uvicorn process on its own database."""
        return self.start(
            service.name,
            service.app_path,
            {service.database_env: database_url, **(env or {})},
            **options,
        )

    def add(self, service: LiveService) -> LiveService:
        self.running.append(service)
        return service

    def stop_all(self) -> None:
        for service in reversed(self.running):
            service.stop()
        self.running.clear()


@pytest.fixture
def live_processes(tmp_path: Path, keys_dir: Path) -> Iterator[LiveProcesses]:
    processes = LiveProcesses(tmp_path, keys_dir)
    try:
        yield processes
    finally:
        processes.stop_all()
        if os.environ.get("SHOP_TEST_SHOW_LOGS"):
            for log in tmp_path.glob("*.log"):
                print(f"--- {log.name}\n{log.read_text()[-4000:]}")
