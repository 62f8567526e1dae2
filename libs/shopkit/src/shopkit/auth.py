"""FastAPI dependencies that turn a Bearer token into a `Principal` and check its role.

Missing or invalid token -> 401; valid token with the wrong role -> 403.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shopkit.errors import Forbidden, Unauthorized
from shopkit.tokens import Principal, TokenError, TokenVerifier

bearer_scheme = HTTPBearer(auto_error=False, description="RS256 access or service token")


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Not authenticated")
    verifier = _verifier(request)
    try:
        return verifier.verify(credentials.credentials)
    except TokenError as exc:
        if "unknown key" in str(exc) and getattr(request.app.state, "keys_dir", None):
            verifier.reload(request.app.state.keys_dir)
            try:
                return verifier.verify(credentials.credentials)
            except TokenError:
                pass
        raise Unauthorized("Invalid or expired token") from exc


def require_roles(*roles: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    async def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden("This action needs one of the roles: " + ", ".join(roles))
        return principal

    return dependency


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[Principal, Depends(require_roles("customer", "admin"))]
AdminPrincipal = Annotated[Principal, Depends(require_roles("admin"))]
ServicePrincipal = Annotated[Principal, Depends(require_roles("service"))]
AdminOrService = Annotated[Principal, Depends(require_roles("admin", "service"))]
