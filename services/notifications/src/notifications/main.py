"""Notifications service: the FastAPI application.

Run with `uvicorn notifications.main:create_app --factory --port 8010`.
"""

from fastapi import FastAPI
from shopkit.accounts import RemoteAccountCheck
from shopkit.app import create_service_app

from notifications.api import routers
from notifications.core.config import Settings
from notifications.providers import build_notifier
from notifications.services.retention import notification_log_retention_job


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="Notifications",
        description="Lambda-style event handler sending email and SMS for order and stock events.",
        routers=routers,
        background_jobs=[notification_log_retention_job],
        openapi_tags=[
            {"name": "events", "description": "Events from the other services (service token)"},
            {"name": "sent log", "description": "What was sent (admin or service)"},
        ],
    )
    # Built once here (not per request); tests may swap it for a provider they control.
    app.state.notifier = build_notifier(settings)
    # The sent log acts for an admin only while identity-commerce says the account is still
    # an active admin on the same token version (shopkit.accounts).
    app.state.account_check = RemoteAccountCheck.build(settings, app.state.token_signer)
    return app
