"""FastAPI dependencies of this service (settings, typed clients, read sessions, cache)."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.services.listing_cache import TtlCache


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_identity_client(request: Request) -> IdentityClient:
    client: IdentityClient = request.app.state.identity_client
    return client


IdentityDep = Annotated[IdentityClient, Depends(get_identity_client)]


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for public reads: nothing to commit. In production it runs in autocommit
    on its own pool without a ping per checkout (see main.open_read_database), so a read of
    one statement is one round trip instead of four (ping, BEGIN, statement, COMMIT)."""
    session: AsyncSession = request.app.state.read_session_factory()
    try:
        yield session
    finally:
        await session.close()


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]


async def get_catalog_cache(request: Request) -> TtlCache[Any]:
    cache: TtlCache[Any] = request.app.state.catalog_cache
    return cache


CatalogCacheDep = Annotated[TtlCache[Any], Depends(get_catalog_cache)]
