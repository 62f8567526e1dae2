"""Catalog & Fulfillment service: the FastAPI application.

Run with `uvicorn catalog_fulfillment.main:create_app --factory --port 8002`.
"""

import asyncio
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from shopkit.accounts import RemoteAccountCheck
from shopkit.app import create_service_app
from shopkit.db import Database
from shopkit.delivery import outbox_admin_router, outbox_relay_job, outbox_retention_job

from catalog_fulfillment.api import routers
from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.models import OutboxMessage
from catalog_fulfillment.services.catalog_changes import catalog_change_listener
from catalog_fulfillment.services.listing_cache import TtlCache
from catalog_fulfillment.services.review_recheck import review_recheck_job
from catalog_fulfillment.services.sweeper import reservation_sweeper_job

# Product pictures that work offline (SVG placeholders shipped with the package).
STATIC_DIR = Path(__file__).resolve().parent / "static"


async def close_clients_on_shutdown(app: FastAPI, stop: asyncio.Event) -> None:
    """Not a worker: waits for shutdown, then closes the outgoing HTTP connections."""
    await stop.wait()
    await app.state.identity_client.aclose()
    if app.state.read_db is not None:
        await app.state.read_db.dispose()


async def open_read_database(app: FastAPI) -> None:
    """Public reads get their own pool: autocommit (no BEGIN/COMMIT round trips) and no
    ping per checkout. A connection broken by a database restart fails its one read with
    503 + Retry-After (shopkit's handler) and SQLAlchemy then renews the whole pool.

    When the request sessions are not the engine's own (tests join every request to the
    test's transaction), reads use those sessions too, so they see what the test arranged.
    """
    state = app.state
    own_sessions = getattr(getattr(state, "db", None), "sessionmaker", None)
    if own_sessions is not None and state.session_factory is own_sessions:
        settings: Settings = state.settings
        state.read_db = Database(
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
        )
        state.read_session_factory = state.read_db.sessionmaker
    else:
        state.read_db = None
        state.read_session_factory = state.session_factory


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="Catalog & Fulfillment",
        description=(
            "Categories, products, variants, inventory (reserve/commit/release), search, "
            "reviews, stores and fulfillments."
        ),
        routers=[*routers, outbox_admin_router(OutboxMessage)],
        background_jobs=[
            outbox_relay_job(OutboxMessage),
            outbox_retention_job(OutboxMessage),
            reservation_sweeper_job,
            review_recheck_job,
            catalog_change_listener,
            close_clients_on_shutdown,
        ],
        on_startup=[open_read_database],
    )
    # Off (accepting=False) until the change listener is connected.
    app.state.catalog_cache = TtlCache(
        ttl_seconds=settings.listing_cache_seconds,
        max_entries=settings.catalog_cache_max_entries,
        accepting=False,
    )
    app.state.identity_client = IdentityClient.build(
        base_url=settings.identity_url,
        signer=app.state.token_signer,
        timeout=settings.verified_purchase_timeout_seconds,
        retries=settings.verified_purchase_retries,
        token_ttl_seconds=settings.service_token_ttl_seconds,
    )
    # Admin and customer routes act for an account only while identity-commerce says it is
    # still active, with the same role and token version (shopkit.accounts).
    app.state.account_check = RemoteAccountCheck.build(settings, app.state.token_signer)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
