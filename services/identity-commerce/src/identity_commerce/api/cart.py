"""/cart: the server-side cart of a signed-in user or of a guest, checked against
catalog-fulfillment.

Who: every route acts on the account's cart with `Authorization`, or, without it, on the
guest cart named by `X-Cart-Token` (an unknown or expired token is 404). A guest cart is made
with `POST /cart/guest` (limited per client address) and moved into the account's cart with
`POST /cart/merge` once its holder signs in.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials
from shopkit.auth import bearer_scheme, get_principal, require_roles, verified_principal
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    NotFound,
    RequestInvalid,
    ServiceUnavailable,
    TooManyRequests,
    behind_token,
    error_responses,
)
from shopkit.tokens import USER_ROLES

from identity_commerce.api.deps import (
    GUEST_TOKEN_SCHEMA,
    CatalogDep,
    ClientAddress,
    CurrentAccount,
    SessionFactoryDep,
    SettingsDep,
    bearer_or_guest_token,
    guest_token_header,
)
from identity_commerce.models import GuestCart
from identity_commerce.schemas.cart import (
    CartItemAdd,
    CartItemUpdate,
    CartLineOut,
    CartMerge,
    CartMergeOut,
    CartOut,
    GuestCartOut,
    PromoIn,
)
from identity_commerce.services import cart, cart_promo, guest_carts, rate_limit

router = APIRouter(prefix="/cart", tags=["cart"])

CATALOG_DOWN = "catalog-fulfillment is down; nothing was changed (see Retry-After)"
UNKNOWN_GUEST_CART = "Unknown or expired cart token; create a new guest cart"
_CART_TOKEN = guest_token_header(
    "X-Cart-Token",
    "A guest cart's token (from POST /cart/guest); used when there is no Authorization header",
)
_SHOPPER = require_roles(*USER_ROLES)
CartTokenHeader = Annotated[str | None, _CART_TOKEN, GUEST_TOKEN_SCHEMA]


async def _guest_cart_or_bearer(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cart_token: CartTokenHeader = None,
) -> GuestCart | HTTPAuthorizationCredentials | None:
    """Who calls a route open to guests: without Authorization, the guest cart of
    X-Cart-Token (404 unknown or expired); else the bearer credentials, still to verify
    (none: 401)."""
    if credentials is None and cart_token is not None:
        guest = await guest_carts.find(
            session, token=cart_token, ttl=timedelta(days=settings.guest_cart_ttl_days)
        )
        if guest is None:
            raise NotFound(UNKNOWN_GUEST_CART)
        return guest
    return credentials


GuestCartOrBearer = Annotated[
    GuestCart | HTTPAuthorizationCredentials | None, Depends(_guest_cart_or_bearer)
]


async def _cart_owner(
    request: Request, session: SessionDep, caller: GuestCartOrBearer
) -> cart.CartOwner:
    """The guest cart of X-Cart-Token, or the signed-in shopper's cart."""
    if isinstance(caller, GuestCart):
        return cart.CartOwner.guest(caller.id)
    principal = await get_principal(request, await verified_principal(request, caller), session)
    await _SHOPPER(principal)
    return cart.CartOwner.account(principal.user_id)


CartOwnerDep = Annotated[cart.CartOwner, Depends(_cart_owner)]


@router.post(
    "/guest",
    status_code=status.HTTP_201_CREATED,
    response_model=GuestCartOut,
    summary="Start a guest cart (no account needed)",
    description=(
        "Returns `cart_token` (256 random bits): send it as `X-Cart-Token`, without "
        "`Authorization`, on every /cart route and on guest checkout. Only its hash is "
        "stored; a cart unused for `GUEST_CART_TTL_DAYS` (30) is deleted. At most "
        "`GUEST_CART_MAX_PER_CLIENT` (30) per client address per hour, then 429."
    ),
    responses=error_responses(TooManyRequests, ServiceUnavailable),
)
async def create_guest_cart(
    session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> GuestCartOut:
    await rate_limit.hit(
        session,
        limit=rate_limit.Limit(
            f"guest-cart:client:{client}", settings.guest_cart_max_per_client, timedelta(hours=1)
        ),
    )
    return GuestCartOut(cart_token=await guest_carts.create(session))


@router.post(
    "/merge",
    response_model=CartMergeOut,
    summary="Move a guest cart into my cart",
    description=(
        "The guest lines join the account's cart: the same sku adds up, capped at what the "
        "catalog can sell and at `CART_MAX_QUANTITY_PER_LINE`; every line that could not "
        "move in full is listed in `adjusted` (`reason`: stock, line_limit, cart_full, "
        "unavailable). The guest cart is then deleted: merging again (or an unknown or "
        "expired token) changes nothing and answers `merged: false`. 503 when the catalog "
        "is down (both carts stay as they were)."
    ),
    responses=behind_token(RequestInvalid, ServiceUnavailable.documented(CATALOG_DOWN)),
)
async def merge_guest_cart(
    body: CartMerge,
    user: CurrentAccount,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> CartMergeOut:
    adjusted = await guest_carts.merge_into_account(
        session,
        catalog,
        user_id=user.id,
        token=body.cart_token,
        ttl=timedelta(days=settings.guest_cart_ttl_days),
        max_lines=settings.cart_max_lines,
        max_quantity_per_line=settings.cart_max_quantity_per_line,
    )
    owner = cart.CartOwner.account(user.id)
    view = await cart.view_cart(session, catalog, owner=owner)
    promo = await cart_promo.current(session, owner=owner, subtotal=view.subtotal)
    return CartMergeOut.of(view, merged=adjusted is not None, adjusted=adjusted or [], promo=promo)


@router.get(
    "",
    openapi_extra=bearer_or_guest_token(),
    response_model=CartOut,
    summary="My cart with current names, prices and availability",
    description=(
        "When catalog-fulfillment is down the stored lines are returned with "
        "`refreshed: false` (last seen names and prices)."
    ),
    responses=behind_token(NotFound.documented(UNKNOWN_GUEST_CART)),
)
async def get_cart(owner: CartOwnerDep, session: SessionDep, catalog: CatalogDep) -> CartOut:
    view = await cart.view_cart(session, catalog, owner=owner)
    return CartOut.of(view, await cart_promo.current(session, owner=owner, subtotal=view.subtotal))


PROMO_REFUSED = (
    "The code does not apply to this cart now; `code` says why: inactive, not_started, "
    "expired, below_minimum, used_up or per_customer_limit"
)


@router.post(
    "/promo",
    openapi_extra=bearer_or_guest_token(),
    response_model=CartOut,
    summary="Apply a promo code to my cart (case-insensitive)",
    description=(
        "Replaces any code the cart had. The cart's `promo` then shows the code and its "
        "discount (taken off the subtotal before tax; never more than the subtotal); "
        "checkout checks it again. At most `PROMO_MAX_PER_CART` codes per cart and "
        "`PROMO_MAX_PER_CLIENT` per client address per `PROMO_RATE_WINDOW_SECONDS` are "
        "tried, right or wrong (429 `promo_rate_limited`)."
    ),
    responses=behind_token(
        NotFound.documented(
            "No such code (`code`: `unknown_promo_code`), or an unknown cart token"
        ),
        Conflict.documented(PROMO_REFUSED),
        RequestInvalid,
        TooManyRequests.documented("Too many codes tried (`code`: `promo_rate_limited`)"),
    ),
)
async def apply_promo(
    body: PromoIn,
    owner: CartOwnerDep,
    session: SessionDep,
    sessions: SessionFactoryDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> CartOut:
    await cart_promo.count_attempt(sessions, owner=owner, client=client, settings=settings)
    view = await cart.view_cart(session, catalog, owner=owner)
    promo = await cart_promo.apply(session, owner=owner, code=body.code, subtotal=view.subtotal)
    return CartOut.of(view, promo)


@router.delete(
    "/promo",
    openapi_extra=bearer_or_guest_token(),
    response_model=CartOut,
    summary="Remove the promo code from my cart",
    description="Answers the cart without it; removing when there is none changes nothing.",
    responses=behind_token(NotFound.documented(UNKNOWN_GUEST_CART)),
)
async def remove_promo(owner: CartOwnerDep, session: SessionDep, catalog: CatalogDep) -> CartOut:
    await cart_promo.promotions.remove_cart_promotion(session, owner)
    return CartOut.of(await cart.view_cart(session, catalog, owner=owner))


@router.post(
    "/items",
    openapi_extra=bearer_or_guest_token(),
    status_code=status.HTTP_201_CREATED,
    response_model=CartLineOut,
    summary="Add a sku (the same sku adds up on its line)",
    responses=behind_token(
        NotFound.documented("Unknown or archived sku, or an unknown or expired cart token"),
        Conflict.documented(
            "Not enough stock ({detail, shortages: [{sku, requested, available}]}), "
            "or the line or cart is full"
        ),
        RequestInvalid,
        ServiceUnavailable.documented(CATALOG_DOWN),
    ),
)
async def add_item(
    body: CartItemAdd,
    owner: CartOwnerDep,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> CartLineOut:
    line = await cart.add_item(
        session,
        catalog,
        owner=owner,
        sku=body.sku,
        quantity=body.quantity,
        max_lines=settings.cart_max_lines,
        max_quantity_per_line=settings.cart_max_quantity_per_line,
    )
    return CartLineOut.of(line)


@router.put(
    "/items/{item_id}",
    openapi_extra=bearer_or_guest_token(),
    response_model=CartLineOut,
    summary="Set a line's quantity",
    responses=behind_token(
        NotFound.documented("No such cart line, or not yours; or an unknown or expired cart token"),
        Conflict.documented("Not enough stock, or the sku is no longer sold"),
        RequestInvalid,
        ServiceUnavailable.documented(CATALOG_DOWN),
    ),
)
async def set_quantity(
    item_id: uuid.UUID,
    body: CartItemUpdate,
    owner: CartOwnerDep,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> CartLineOut:
    line = await cart.set_quantity(
        session,
        catalog,
        owner=owner,
        item_id=item_id,
        quantity=body.quantity,
        max_quantity_per_line=settings.cart_max_quantity_per_line,
    )
    return CartLineOut.of(line)


@router.delete(
    "/items/{item_id}",
    openapi_extra=bearer_or_guest_token(),
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a line (works while the catalog is down)",
    responses=behind_token(
        NotFound.documented("No such cart line, or not yours; or an unknown cart token"),
        RequestInvalid,
    ),
)
async def remove_item(item_id: uuid.UUID, owner: CartOwnerDep, session: SessionDep) -> None:
    await cart.remove_item(session, owner=owner, item_id=item_id)


@router.delete(
    "",
    openapi_extra=bearer_or_guest_token(),
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Empty my cart",
    responses=behind_token(NotFound.documented(UNKNOWN_GUEST_CART)),
)
async def clear_cart(owner: CartOwnerDep, session: SessionDep) -> None:
    await cart.clear_cart(session, user_id=owner)
