"""Catalog & Fulfillment service: the FastAPI application.

Run with `uvicorn catalog_fulfillment.main:create_app --factory --port 8002`.
"""

import asyncio
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from shopkit.accounts import RemoteAccountCheck
from shopkit.app import create_service_app
from shopkit.delivery import outbox_admin_router, outbox_relay_job

from catalog_fulfillment.api import routers
from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.models import OutboxMessage
from catalog_fulfillment.services.listing_cache import TtlCache
from catalog_fulfillment.services.review_recheck import review_recheck_job
from catalog_fulfillment.services.sweeper import reservation_sweeper_job

# Product pictures that work offline (SVG placeholders shipped with the package).
STATIC_DIR = Path(__file__).resolve().parent / "static"


async def close_clients_on_shutdown(app: FastAPI, stop: asyncio.Event) -> None:
    """Not a worker: waits for shutdown, then closes the outgoing HTTP connections."""
    await stop.wait()
    await app.state.identity_client.aclose()


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
            reservation_sweeper_job,
            review_recheck_job,
            close_clients_on_shutdown,
        ],
    )
    app.state.listing_cache = TtlCache(ttl_seconds=settings.listing_cache_seconds)
    app.state.ranking_cache = TtlCache(ttl_seconds=settings.listing_cache_seconds)
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
