"""Catalog & Fulfillment service: FastAPI application (uvicorn catalog_fulfillment.main:app --port 8002)."""

from fastapi import FastAPI
from shopkit.app import create_service_app

from catalog_fulfillment.api import routers
from catalog_fulfillment.core.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Catalog & Fulfillment",
        description="Categories, products, variants, inventory (reserve/commit/release), search, reviews, stores and fulfillments.",
        routers=routers,
    )


app = create_app()
