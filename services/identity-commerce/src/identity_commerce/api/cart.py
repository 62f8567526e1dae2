"""/cart: the signed-in user's server-side cart, checked against catalog-fulfillment."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RequestInvalid,
    ServiceUnavailable,
    Unauthorized,
    error_responses,
)

from identity_commerce.api.deps import CatalogDep, CurrentAccount, SettingsDep
from identity_commerce.schemas.cart import CartItemAdd, CartItemUpdate, CartLineOut, CartOut
from identity_commerce.services import cart

router = APIRouter(prefix="/cart", tags=["cart"])

CATALOG_DOWN = "catalog-fulfillment is down; nothing was changed (see Retry-After)"


@router.get(
    "",
    response_model=CartOut,
    summary="My cart with current names, prices and availability",
    description=(
        "When catalog-fulfillment is down the stored lines are returned with "
        "`refreshed: false` (last seen names and prices)."
    ),
    responses=error_responses(Unauthorized, Forbidden),
)
async def get_cart(user: CurrentAccount, session: SessionDep, catalog: CatalogDep) -> CartOut:
    return CartOut.of(await cart.view_cart(session, catalog, user_id=user.id))


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_model=CartLineOut,
    summary="Add a sku (the same sku adds up on its line)",
    responses=error_responses(
        Unauthorized,
        Forbidden,
        NotFound.documented("Unknown or archived sku"),
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
    user: CurrentAccount,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> CartLineOut:
    line = await cart.add_item(
        session,
        catalog,
        user_id=user.id,
        sku=body.sku,
        quantity=body.quantity,
        max_lines=settings.cart_max_lines,
        max_quantity_per_line=settings.cart_max_quantity_per_line,
    )
    return CartLineOut.of(line)


@router.put(
    "/items/{item_id}",
    response_model=CartLineOut,
    summary="Set a line's quantity",
    responses=error_responses(
        Unauthorized,
        Forbidden,
        NotFound.documented("No such cart line, or not yours"),
        Conflict.documented("Not enough stock, or the sku is no longer sold"),
        RequestInvalid,
        ServiceUnavailable.documented(CATALOG_DOWN),
    ),
)
async def set_quantity(
    item_id: uuid.UUID,
    body: CartItemUpdate,
    user: CurrentAccount,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> CartLineOut:
    line = await cart.set_quantity(
        session,
        catalog,
        user_id=user.id,
        item_id=item_id,
        quantity=body.quantity,
        max_quantity_per_line=settings.cart_max_quantity_per_line,
    )
    return CartLineOut.of(line)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a line (works while the catalog is down)",
    responses=error_responses(
        Unauthorized,
        Forbidden,
        NotFound.documented("No such cart line, or not yours"),
        RequestInvalid,
    ),
)
async def remove_item(item_id: uuid.UUID, user: CurrentAccount, session: SessionDep) -> None:
    await cart.remove_item(session, user_id=user.id, item_id=item_id)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Empty my cart",
    responses=error_responses(Unauthorized, Forbidden),
)
async def clear_cart(user: CurrentAccount, session: SessionDep) -> None:
    await cart.clear_cart(session, user_id=user.id)
