"""FastAPI dependencies that turn a Bearer token into a `Principal` and check it.

- Missing or invalid token -> 401; valid token with the wrong role or scope -> 403.
- A user token is only as good as the account behind it: when the app has an account check
  (`app.state.account_check`), every route that takes a user principal asks it, so a
  disabled account, a changed role or a password change (token version) ends access at
  once, not when the token expires. identity-commerce checks its own table; the other
  services ask identity-commerce (`shopkit.accounts.RemoteAccountCheck`).
- Service routes name the scope they need (`RequireScope`); the verifier has already
  dropped every scope the calling service may not hold (shopkit.scopes).
- Back-office routes name the permission they need (`require_permission("orders")`): an
  admin holds every permission, a staff account those in its token (`perms`), anyone else
  none (403). The matrix is docs/permissions.md. A change of role or permissions raises the
  account's token version, so the account check ends the older tokens at once everywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, FastAPI, Request, routing
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from shopkit.db import SessionDep
from shopkit.errors import Forbidden, Unauthorized
from shopkit.tokens import PERMISSIONS, USER_ROLES, Principal, TokenError, TokenVerifier

bearer_scheme = HTTPBearer(auto_error=False, description="RS256 access or service token")

SCOPE_EXTENSION = "x-service-scope"  # the scope a route needs, in its OpenAPI operation


class AccountCheck(Protocol):
    """Confirms the account behind a user token; returns the principal or raises 401."""

    def __call__(
        self, request: Request, principal: Principal, session: AsyncSession
    ) -> Awaitable[Principal]: ...


@dataclass(frozen=True)
class AccountStatus:
    """What identity-commerce knows about an account right now."""

    active: bool
    role: str
    token_version: int
    # The owner proved the email is theirs (catalog-fulfillment's reviews need it).
    email_verified: bool = False


def account_email_verified(request: Request) -> bool:
    """Whether the account the request's user token was confirmed against has a verified
    email (False when no account check ran: routes that need it fail closed)."""
    status: AccountStatus | None = getattr(request.state, "account_status", None)
    return bool(status is not None and status.email_verified)


def confirm_account(principal: Principal, status: AccountStatus | None) -> Principal:
    """The principal when its account still backs the token, else 401.

    A role that changed since the token was issued ends the token too: a demoted admin must
    sign in again (and gets a customer token); an admin token is never trusted past it."""
    if status is None or not status.active:
        raise Unauthorized("This account does not exist or is disabled")
    if status.token_version != principal.token_version:
        raise Unauthorized(
            "This token was revoked (password, permissions or account changed); sign in again"
        )
    if status.role != principal.role:
        raise Unauthorized("This account's role changed; sign in again")
    return principal


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier


async def verified_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The token's principal, from the signature and claims alone."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Not authenticated")
    try:
        return await _verifier(request).verify_async(credentials.credentials)
    except TokenError as exc:
        raise Unauthorized("Invalid or expired token") from exc


async def get_principal(
    request: Request,
    principal: Annotated[Principal, Depends(verified_principal)],
    session: SessionDep,
) -> Principal:
    """The verified principal, after the app's account check for user tokens. (The session
    is the request's own, so the check costs no extra connection.)"""
    check: AccountCheck | None = getattr(request.app.state, "account_check", None)
    if check is None or not principal.is_user:
        return principal
    return await check(request, principal, session)


def require_roles(
    *roles: str, confirm: bool = True
) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency admitting `roles`. `confirm=False` skips the app's account check: only
    for a route that confirms the account itself in a statement it needs anyway (checkout
    locks the user's row and confirms it with `confirm_account` in the same query)."""
    source = get_principal if confirm else verified_principal

    # A default, not an Annotated hint: the hint would name the local `source`, which this
    # module's postponed annotations cannot resolve.
    async def dependency(principal: Principal = Depends(source)) -> Principal:  # noqa: B008
        if principal.role not in roles:
            raise Forbidden("This action needs one of the roles: " + ", ".join(roles))
        return principal

    dependency.accepted_roles = roles  # type: ignore[attr-defined]  # read by document_auth
    return dependency


class RequirePermission:
    """Back-office routes: an admin, or a staff account whose token holds `permission`."""

    accepted_roles = ("admin", "staff")

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:  # a typo must fail at import, not open a route
            raise ValueError(f"unknown permission {permission!r}")
        self.permission = permission

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.has_permission(self.permission):
            return principal
        raise Forbidden(f"This action needs the permission {self.permission}")


def require_permission(permission: str) -> Any:
    """`Annotated[Principal, require_permission("orders")]`: admin, or staff holding it."""
    return Depends(RequirePermission(permission))


class RequireScope:
    """Services need `scope` in their token; the user roles in `roles` may call too, and so
    may staff holding `permission` (an admin holds every permission)."""

    def __init__(
        self, scope: str, *, roles: tuple[str, ...] = (), permission: str | None = None
    ) -> None:
        if permission is not None and permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        self.scope = scope
        self.roles = roles
        self.permission = permission
        staff = ("staff",) if permission is not None else ()
        self.accepted_roles = (*roles, *staff, "service")

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.is_service:
            if self.scope in principal.scopes:
                return principal
            raise Forbidden(f"This service token does not hold the scope {self.scope}")
        if principal.role in self.roles:
            return principal
        if self.permission is not None and principal.has_permission(self.permission):
            return principal
        needed = [f"a service token with the scope {self.scope}", *self.roles]
        if self.permission is not None:
            needed.append(f"the permission {self.permission}")
        raise Forbidden("This action needs " + " or ".join(needed))


def scoped(scope: str, *, roles: tuple[str, ...] = (), permission: str | None = None) -> Any:
    """`Annotated[Principal, scoped(...)]`: the dependency for a route that needs `scope`."""
    return Depends(RequireScope(scope, roles=roles, permission=permission))


def _scopes_of(dependant: Any) -> list[str]:
    found = []
    for sub in dependant.dependencies:
        if isinstance(sub.call, RequireScope):
            found.append(sub.call.scope)
        found.extend(_scopes_of(sub))
    return found


def _accepts_users(dependant: Any) -> bool:
    """Whether a route takes user tokens (and so runs the account check)."""
    roles: list[str] = []
    authenticated = False
    stack = [dependant]
    while stack:
        current = stack.pop()
        for sub in current.dependencies:
            if sub.call in (get_principal, verified_principal):
                authenticated = True
            roles.extend(getattr(sub.call, "accepted_roles", ()))
            stack.append(sub)
    if not authenticated:
        return False
    return not roles or any(role in USER_ROLES for role in roles)


def _api_routes(app: FastAPI) -> list[Any]:
    """Every API route with its final path (FastAPI >= 0.13x keeps included routers as
    contexts rather than copies, so walk them the way its OpenAPI generator does)."""
    iterate = getattr(routing, "iter_route_contexts", None)
    if iterate is None:
        return [route for route in app.routes if isinstance(route, APIRoute)]
    return [
        context for context in iterate(app.routes) if isinstance(context.original_route, APIRoute)
    ]


ACCOUNT_UNCONFIRMED = {
    "description": "The account behind the user token could not be confirmed right now "
    "(identity-commerce did not answer); Retry-After says when to try again"
}


def document_auth(app: FastAPI) -> None:
    """Complete the OpenAPI document with what authentication adds to each route: the scope
    a service token needs (`x-service-scope`, also read by the auth sweep), and a 503 on
    routes taking user tokens when the app confirms accounts with another service."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        remote_check = getattr(getattr(app.state, "account_check", None), "remote", False)
        for route in _api_routes(app):
            scopes = sorted(set(_scopes_of(route.dependant)))
            unconfirmed = remote_check and _accepts_users(route.dependant)
            operations = schema.get("paths", {}).get(route.path_format, {})
            for method in route.methods or ():
                operation = operations.get(method.lower())
                if operation is None:
                    continue
                if scopes:
                    operation[SCOPE_EXTENSION] = " ".join(scopes)
                if unconfirmed:
                    operation.setdefault("responses", {}).setdefault("503", ACCOUNT_UNCONFIRMED)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
# Every signed-in account shops for itself, whatever its back-office role.
CurrentUser = Annotated[Principal, Depends(require_roles(*USER_ROLES))]
# A signed user token whose account the route itself confirms (see `require_roles`).
UnconfirmedUser = Annotated[Principal, Depends(require_roles(*USER_ROLES, confirm=False))]
# Only an admin: granting roles and operating the platform (outbox, sent log).
AdminPrincipal = Annotated[Principal, Depends(require_roles("admin"))]
ServicePrincipal = Annotated[Principal, Depends(require_roles("service"))]
AdminOrService = Annotated[Principal, Depends(require_roles("admin", "service"))]
