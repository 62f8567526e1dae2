"""What identity-commerce holds for its whole life, opened at startup and closed at
shutdown in reverse order (the `resources` of its declaration, service.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from shopkit.auth import AccountCheck
from shopkit.settings import ServiceSettings
from shopkit.tokens import TokenSigner

from identity_commerce.api.deps import check_account
from identity_commerce.clients.catalog import CatalogClient, build_catalog_client
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.services.passwords import PasswordHasher


@asynccontextmanager
async def open_password_hasher(app: FastAPI) -> AsyncIterator[PasswordHasher]:
    hasher = PasswordHasher.from_settings(app.state.settings)
    try:
        yield hasher
    finally:
        hasher.close()


@asynccontextmanager
async def open_catalog_client(app: FastAPI) -> AsyncIterator[CatalogClient]:
    """catalog-fulfillment: one pool for its reads, stock, shipments and reviews."""
    client = build_catalog_client(app.state.settings, app.state.token_signer)
    try:
        yield client
    finally:
        await client.aclose()


@asynccontextmanager
async def open_stripe_gateway(app: FastAPI) -> AsyncIterator[StripeGateway]:
    yield StripeGateway.from_settings(app.state.settings)


def own_account_check(settings: ServiceSettings, signer: TokenSigner) -> AccountCheck:
    """Every route taking a user token checks the account behind it (active, same role and
    token version) in this service's own database, not only the token."""
    return check_account
