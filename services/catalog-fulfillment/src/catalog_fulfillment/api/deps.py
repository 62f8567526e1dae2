"""FastAPI dependencies of this service (settings, typed clients, read sessions, cache,
who sees exact stock)."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from shopkit.deps import from_app_state
from shopkit.pages import PageParams
from shopkit.scopes import INVENTORY_READ
from shopkit.tokens import Principal, TokenError, TokenVerifier
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.services.listing_cache import TtlCache

SettingsDep = Annotated[Settings, Depends(from_app_state("settings"))]
IdentityDep = Annotated[IdentityClient, Depends(from_app_state("identity_client"))]


def may_see_exact_stock(principal: Principal) -> bool:
    """Exact units are for the shop's admins, staff holding `catalog`, and its services
    (identity-commerce prices and checks carts with them, holding `inventory:read`); shoppers
    and visitors see stock levels."""
    if principal.has_permission("catalog"):
        return True
    return principal.role == "service" and INVENTORY_READ in principal.scopes


async def get_exact_stock(request: Request) -> bool:
    """For public reads: True when the caller's token may see exact stock. No token, a
    customer's, or a token that does not verify gets the public view, never a 401: a
    shopper's expired token must not break browsing. (Read from the header rather than
    declared as bearer security: these routes do not require a token, and OpenAPI must not
    say they do.)"""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        # verify_async: a key source that fetches keys (JWKS) looks for an unknown kid first
        return may_see_exact_stock(await verifier.verify_async(token.strip()))
    except TokenError:
        return False


ExactStockDep = Annotated[bool, Depends(get_exact_stock)]


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for public reads: nothing to commit. In production it runs in autocommit
    on its own pool without a ping per checkout (see core.resources.open_read_database), so a
    read of one statement is one round trip instead of four (ping, BEGIN, statement, COMMIT)."""
    session: AsyncSession = request.app.state.read_session_factory()
    try:
        yield session
    finally:
        await session.close()


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]


CatalogCacheDep = Annotated[TtlCache[Any], Depends(from_app_state("catalog_cache"))]


# The catalog's lists page by number down to page 10,000 at most: an OFFSET reads and drops
# every row before the page, and the product listings offer cursors for anything deeper.
MAX_PAGE = 10_000
Paging = Annotated[PageParams, Depends(PageParams.query(max_page=MAX_PAGE))]
# Lists read in bulk (stock, stores): 50 a page unless asked otherwise.
BulkPaging = Annotated[PageParams, Depends(PageParams.query(default_size=50, max_page=MAX_PAGE))]
