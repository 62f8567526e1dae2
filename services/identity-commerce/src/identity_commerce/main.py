"""Identity & Commerce service: the FastAPI application.

Run with `uvicorn identity_commerce.main:create_app --factory --port 8001`.
"""

from fastapi import FastAPI
from shopkit.app import create_service_app
from shopkit.delivery import outbox_admin_router, outbox_relay_job, outbox_retention_job

from identity_commerce.api import routers
from identity_commerce.api.dependencies import check_account
from identity_commerce.core.config import Settings
from identity_commerce.core.lifecycle import close_catalog_client, start_accounts_and_cart
from identity_commerce.models import OutboxMessage
from identity_commerce.services.checkout_wiring import (
    close_checkout_clients,
    start_checkout_and_payments,
)
from identity_commerce.services.order_followups import order_followups_job
from identity_commerce.services.orders_expiry import order_expiry_job
from identity_commerce.services.rate_limit import expired_counter_sweeper_job


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="Identity & Commerce",
        description="Accounts, tokens, addresses, cart, checkout, Stripe payments and orders.",
        routers=[*routers, outbox_admin_router(OutboxMessage)],
        on_startup=[start_accounts_and_cart, start_checkout_and_payments],
        background_jobs=[
            outbox_relay_job(OutboxMessage),
            outbox_retention_job(OutboxMessage),
            expired_counter_sweeper_job(),
            close_catalog_client,
            order_expiry_job,
            order_followups_job,
            close_checkout_clients,
        ],
    )
    # Every route taking a user token checks the account behind it (active, same role and
    # token version), not only the token.
    app.state.account_check = check_account
    return app
