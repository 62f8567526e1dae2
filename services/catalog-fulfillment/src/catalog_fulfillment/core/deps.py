"""FastAPI dependencies of this service (settings, typed clients)."""

from typing import Annotated

from fastapi import Depends, Request

from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_identity_client(request: Request) -> IdentityClient:
    client: IdentityClient = request.app.state.identity_client
    return client


IdentityDep = Annotated[IdentityClient, Depends(get_identity_client)]
