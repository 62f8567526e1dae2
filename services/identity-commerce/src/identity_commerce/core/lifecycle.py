"""Objects the app builds once at startup and releases at shutdown (accounts and cart)."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from identity_commerce.clients.catalog import build_catalog_client
from identity_commerce.services.passwords import PasswordHasher


async def start_accounts_and_cart(app: FastAPI) -> None:
    """Startup hook: the password hasher and the catalog client on `app.state`."""
    app.state.password_hasher = PasswordHasher.from_settings(app.state.settings)
    app.state.catalog_client = build_catalog_client(app.state.settings, app)


async def close_catalog_client(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job that only waits for shutdown, then closes the catalog client's
    connections and the password hashing pool (shopkit's app factory has startup hooks and
    jobs, no shutdown hooks)."""
    await stop.wait()
    client = getattr(app.state, "catalog_client", None)
    if client is not None:
        await client.aclose()
    hasher = getattr(app.state, "password_hasher", None)
    if hasher is not None:
        hasher.close()
