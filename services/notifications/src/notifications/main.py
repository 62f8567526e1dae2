"""Notifications service: the FastAPI application.

Run with `uvicorn notifications.main:create_app --factory --port 8010`.
"""

from fastapi import FastAPI
from shopkit.app import create_service_app

from notifications.api import routers
from notifications.core.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Notifications",
        description="Lambda-style event handler sending email and SMS for order and stock events.",
        routers=routers,
    )

