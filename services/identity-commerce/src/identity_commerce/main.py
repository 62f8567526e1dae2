"""Identity & Commerce service: FastAPI application (uvicorn identity_commerce.main:app --port 8001)."""

from fastapi import FastAPI
from shopkit.app import create_service_app

from identity_commerce.api import routers
from identity_commerce.core.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Identity & Commerce",
        description="Accounts, tokens, addresses, cart, checkout, Stripe payments and orders.",
        routers=routers,
    )


app = create_app()
