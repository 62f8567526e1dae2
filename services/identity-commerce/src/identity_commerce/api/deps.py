"""Dependencies shared by the routers of identity-commerce."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from pydantic import WithJsonSchema
from shopkit.auth import AccountStatus, CurrentUser, confirm_account, require_permission
from shopkit.db import SessionDep, SessionFactory
from shopkit.deps import from_app_state
from shopkit.errors import Unauthorized
from shopkit.tokens import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.api import client_address as addresses
from identity_commerce.clients.catalog import CatalogClient
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.core.config import Settings
from identity_commerce.models import User
from identity_commerce.services.accounts import get_active_user
from identity_commerce.services.order_followups import FollowUpClients, followup_clients
from identity_commerce.services.passwords import PasswordHasher

# A guest's opaque token in a header (X-Cart-Token, X-Order-Token): URL-safe base64 of at
# least 128 bits. Declared as a plain string: `str | None` would also advertise `null`,
# which a header cannot carry, so a client following the schema could send "null".
GUEST_TOKEN_PATTERN = r"^[A-Za-z0-9_-]+$"
GUEST_TOKEN_MIN, GUEST_TOKEN_MAX = 16, 128


def guest_token_header(alias: str, description: str) -> Any:
    """`Annotated[str | None, guest_token_header(...)] = None`: an optional token header."""
    return Header(
        alias=alias,
        min_length=GUEST_TOKEN_MIN,
        max_length=GUEST_TOKEN_MAX,
        pattern=GUEST_TOKEN_PATTERN,
        description=description,
    )


GUEST_TOKEN_SCHEMA = WithJsonSchema(
    {
        "type": "string",
        "minLength": GUEST_TOKEN_MIN,
        "maxLength": GUEST_TOKEN_MAX,
        "pattern": GUEST_TOKEN_PATTERN,
    }
)


def bearer_or_guest_token() -> dict[str, Any]:
    """`openapi_extra` of a route a guest may call with its token instead of Authorization:
    FastAPI appends this to the bearer requirement, giving `[{"HTTPBearer": []}, {}]`, the
    OpenAPI way to say the bearer token is optional here."""
    return {"security": [{}]}


async def client_address(request: Request) -> str:
    """The caller's address for rate limits: the socket peer, or what a proxy listed in
    FORWARDED_ALLOW_IPS forwarded; IPv6 per /64 (see `client_address` module)."""
    settings: Settings = request.app.state.settings
    proxies = getattr(request.app.state, "trusted_proxies", None)
    if proxies is None:
        proxies = request.app.state.trusted_proxies = settings.trusted_proxies()
    peer = request.scope.get("client")
    address = addresses.client_address(
        peer[0] if peer else None, request.headers.getlist("x-forwarded-for"), proxies
    )
    return addresses.rate_limit_key(address)


async def check_account(request: Request, principal: Principal, session: AsyncSession) -> Principal:
    """identity-commerce's account check (shopkit.auth): every route taking a user token
    acts for the account only while it is active, has the token's role and token version.
    The row is kept for `CurrentAccount`, so routes that need it read it once."""
    try:
        user_id = principal.user_id
    except ValueError as exc:  # a subject that is not a user id is not a user token
        raise Unauthorized("Invalid token subject") from exc
    user = await get_active_user(session, user_id=user_id)
    status = (
        None
        if user is None
        else AccountStatus(True, user.role, user.token_version, user.email_verified)
    )
    confirmed = confirm_account(principal, status)
    request.state.account = user
    request.state.account_status = status
    return confirmed


async def _current_account(request: Request, principal: CurrentUser, session: SessionDep) -> User:
    """The signed-in user's row: a valid token of a deleted or disabled account is refused."""
    user: User | None = getattr(request.state, "account", None)
    if user is None or str(user.id) != principal.subject:  # an app built without the check
        await check_account(request, principal, session)
        user = request.state.account
    return user  # type: ignore[return-value]  # check_account raised unless it is a User


SettingsDep = Annotated[Settings, Depends(from_app_state("settings"))]
PasswordHasherDep = Annotated[PasswordHasher, Depends(from_app_state("password_hasher"))]
CatalogDep = Annotated[CatalogClient, Depends(from_app_state("catalog_client"))]
# New sessions besides the request's own, for work that must commit on its own.
SessionFactoryDep = Annotated[SessionFactory, Depends(from_app_state("session_factory"))]
ClientAddress = Annotated[str, Depends(client_address)]
CurrentAccount = Annotated[User, Depends(_current_account)]
StripeDep = Annotated[StripeGateway, Depends(from_app_state("stripe_gateway"))]


async def _followup_clients(request: Request) -> FollowUpClients:
    return followup_clients(request.app)


# What the refund and restock follow-ups of an order need, for routes that finish them.
FollowUpClientsDep = Annotated[FollowUpClients, Depends(_followup_clients)]

# The back office by permission (docs/permissions.md): an admin holds every permission,
# staff the ones granted to them.
OrdersStaff = Annotated[Principal, require_permission("orders")]
CatalogStaff = Annotated[Principal, require_permission("catalog")]
CustomersStaff = Annotated[Principal, require_permission("customers")]
ReportsStaff = Annotated[Principal, require_permission("reports")]
