"""What catalog-fulfillment holds for its whole life, opened at startup and closed at
shutdown in reverse order (the `resources` of its declaration, service.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from shopkit.db import Database
from shopkit.metrics import add_probes

from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.core.metrics import reservations_probe
from catalog_fulfillment.services.listing_cache import TtlCache

# Product pictures that work offline (SVG placeholders shipped with the package).
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


@asynccontextmanager
async def open_read_database(app: FastAPI) -> AsyncIterator[Database | None]:
    """Public reads get their own pool: autocommit (no BEGIN/COMMIT round trips) and no
    ping per checkout. A connection broken by a database restart fails its one read with
    503 + Retry-After (shopkit's handler) and SQLAlchemy then renews the whole pool.

    When the request sessions are not the engine's own (tests join every request to the
    test's transaction), reads use those sessions too, so they see what the test arranged.
    """
    state = app.state
    own_sessions = getattr(getattr(state, "db", None), "sessionmaker", None)
    if own_sessions is None or state.session_factory is not own_sessions:
        state.read_session_factory = state.session_factory
        yield None
        return
    settings: Settings = state.settings
    read_db = Database(
        settings.sqlalchemy_url,
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=False,
        # psycopg prepares a statement run five times; PostgreSQL may then switch to a
        # generic plan, blind to the values: for a listing page (LIMIT $n, status
        # $m of a partial index) that plan is a hash join over every product, 100x
        # slower (measured: 250-550 ms against 1-2 ms). Plan with the values, always.
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
        # Sized like the request pool (opened on demand; the request pool then serves
        # writes only). LIFO: the connections just used stay the busy ones, so the
        # others can be the overflow that closes after a burst.
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_use_lifo=True,
        pool_logging_name="read",  # the `pool` label of its /metrics gauges
    )
    state.read_session_factory = read_db.sessionmaker
    try:
        yield read_db
    finally:
        await read_db.dispose()


@asynccontextmanager
async def open_catalog_cache(app: FastAPI) -> AsyncIterator[TtlCache[Any]]:
    """Listing cache, off (accepting=False) until the change listener is connected."""
    settings: Settings = app.state.settings
    yield TtlCache(
        ttl_seconds=settings.listing_cache_seconds,
        max_entries=settings.catalog_cache_max_entries,
        accepting=False,
    )


@asynccontextmanager
async def open_identity_client(app: FastAPI) -> AsyncIterator[IdentityClient]:
    """identity-commerce, asked whether a reviewer bought the product."""
    settings: Settings = app.state.settings
    client = IdentityClient.build(
        base_url=settings.identity_url,
        signer=app.state.token_signer,
        timeout=settings.verified_purchase_timeout_seconds,
        retries=settings.verified_purchase_retries,
        token_ttl_seconds=settings.service_token_ttl_seconds,
    )
    try:
        yield client
    finally:
        await client.aclose()


def mount_static_files(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def configure_app(app: FastAPI) -> None:
    """The static files, and the reservation gauges of /metrics."""
    mount_static_files(app)
    add_probes(app, reservations_probe)
