"""What checkout, payments and orders put on `app.state` at startup and close at shutdown."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from identity_commerce.clients.inventory import build_inventory_client
from identity_commerce.clients.stripe import StripeGateway


async def start_checkout_and_payments(app: FastAPI) -> None:
    """Startup hook: the Stripe gateway and the inventory client on `app.state`."""
    app.state.stripe_gateway = StripeGateway.from_settings(app.state.settings)
    app.state.inventory_client = build_inventory_client(app.state.settings, app)


async def close_checkout_clients(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job that waits for shutdown, then closes the clients' connections."""
    await stop.wait()
    inventory = getattr(app.state, "inventory_client", None)
    if inventory is not None:
        await inventory.client.aclose()
