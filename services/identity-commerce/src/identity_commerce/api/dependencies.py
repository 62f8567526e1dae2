"""Dependencies shared by the routers of identity-commerce."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from shopkit.auth import CurrentUser
from shopkit.db import SessionDep, SessionFactory
from shopkit.errors import Unauthorized

from identity_commerce.clients.catalog import CatalogClient
from identity_commerce.core.config import Settings
from identity_commerce.models import User
from identity_commerce.services.accounts import get_active_user
from identity_commerce.services.passwords import PasswordHasher


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _password_hasher(request: Request) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.password_hasher
    return hasher


def _session_factory(request: Request) -> SessionFactory:
    """New sessions besides the request's own, for work that must commit on its own."""
    factory: SessionFactory = request.app.state.session_factory
    return factory


def _catalog_client(request: Request) -> CatalogClient:
    client: CatalogClient = request.app.state.catalog_client
    return client


def client_address(request: Request) -> str:
    """The caller's IP as uvicorn sees it (uvicorn's --proxy-headers / FORWARDED_ALLOW_IPS
    decide whether X-Forwarded-For from a trusted proxy counts)."""
    return request.client.host if request.client else "unknown"


async def _current_account(principal: CurrentUser, session: SessionDep) -> User:
    """The signed-in user's row: a valid token of a deleted or disabled account is refused."""
    try:
        user_id = principal.user_id
    except ValueError as exc:  # a subject that is not a user id is not a user token
        raise Unauthorized("Invalid token subject") from exc
    user = await get_active_user(session, user_id=user_id)
    if user is None:
        raise Unauthorized("This account does not exist or is disabled")
    return user


SettingsDep = Annotated[Settings, Depends(_settings)]
PasswordHasherDep = Annotated[PasswordHasher, Depends(_password_hasher)]
CatalogDep = Annotated[CatalogClient, Depends(_catalog_client)]
SessionFactoryDep = Annotated[SessionFactory, Depends(_session_factory)]
ClientAddress = Annotated[str, Depends(client_address)]
CurrentAccount = Annotated[User, Depends(_current_account)]
