"""/orders: a customer's own orders (list, detail, cancel)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from shopkit.auth import (
    CurrentUser,
    bearer_scheme,
    get_principal,
    require_roles,
    verified_principal,
)
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RequestInvalid,
    ServiceUnavailable,
    behind_token,
)
from shopkit.pages import Paging
from shopkit.tokens import USER_ROLES
from sqlalchemy import select

from identity_commerce.api.deps import (
    GUEST_TOKEN_SCHEMA,
    CatalogDep,
    CurrentAccount,
    FollowUpClientsDep,
    StripeDep,
    bearer_or_guest_token,
    guest_token_header,
)
from identity_commerce.api.responses import STRIPE_REFUSED
from identity_commerce.models import Order
from identity_commerce.schemas.orders import (
    CancelIn,
    OrderClaimIn,
    OrderOut,
    OrderPage,
    OrderSummary,
)
from identity_commerce.services.order_followups import finish_after_commit
from identity_commerce.services.orders import (
    customer_actor,
    get_order_detail,
    list_orders,
    live_fulfillment,
)
from identity_commerce.services.orders_changes import cancel_order

_SHOPPER = require_roles(*USER_ROLES)
_ORDER_TOKEN = guest_token_header(
    "X-Order-Token", "A guest order's token; used when there is no Authorization header"
)

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get(
    "",
    response_model=OrderPage,
    summary="My orders, newest first",
    responses=behind_token(RequestInvalid),
)
async def my_orders(principal: CurrentUser, session: SessionDep, paging: Paging) -> OrderPage:
    rows, total = await list_orders(
        session, user_id=principal.user_id, page=paging.page, page_size=paging.page_size
    )
    return OrderPage.of([OrderSummary.of(r.order, r.item_count) for r in rows], total, paging)


# `:uuid`: only an order id matches, so `/orders/claim` is not also "GET /orders/{order_id}"
# (its 405 then names only the methods /orders/claim serves).
@router.get(
    "/{order_id:uuid}",
    openapi_extra=bearer_or_guest_token(),
    response_model=OrderOut,
    summary="One of my orders with items, totals, addresses, payment, shipment and timeline",
    description="With Authorization: the signed-in shopper's order. Without it, a guest "
    "order with its `X-Order-Token` (from the checkout reply or the order's emails).",
    responses=behind_token(
        NotFound.documented("No such order, or not yours (or not this order token's)"),
        RequestInvalid,
    ),
)
async def my_order(
    order_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    inventory: CatalogDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    order_token: Annotated[str | None, _ORDER_TOKEN, GUEST_TOKEN_SCHEMA] = None,
) -> OrderOut:
    if credentials is None and order_token is not None:
        # A guest order, for whoever holds its token (the link in its emails).
        order = await get_order_detail(session, order_id=order_id, guest_token=order_token)
    else:
        principal = await _SHOPPER(
            await get_principal(request, await verified_principal(request, credentials), session)
        )
        order = await get_order_detail(session, order_id=order_id, user_id=principal.user_id)
    fulfillment = await live_fulfillment(order, inventory)
    return OrderOut.of(order, fulfillment=fulfillment)


@router.post(
    "/{order_id}/cancel",
    response_model=OrderOut,
    summary="Cancel my order: before payment the stock is released, after it refunded",
    description=(
        "A paid order is refunded in full through Stripe and cancelled at once; its stock "
        "goes back to catalog-fulfillment right after, or, if the catalog is down, as soon as "
        "it answers again (retried in the background, exactly once)."
    ),
    responses=behind_token(
        NotFound.documented("No such order, or not yours"),
        Conflict.documented("Shipped, delivered or already closed orders cannot be cancelled"),
        RequestInvalid,
        ServiceUnavailable.documented(
            "Stripe (or, before payment, catalog-fulfillment) is down; nothing changed "
            "(see Retry-After)"
        ),
        STRIPE_REFUSED,
    ),
)
async def cancel_my_order(
    order_id: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    inventory: CatalogDep,
    stripe: StripeDep,
    followups: FollowUpClientsDep,
    body: Annotated[CancelIn | None, Body()] = None,
) -> OrderOut:
    order = await cancel_order(
        session,
        order_id=order_id,
        actor=customer_actor(principal.user_id),
        reason=body.reason if body else None,
        user_id=principal.user_id,
        inventory=inventory,
        stripe=stripe,
    )
    await finish_after_commit(session, order_id=order.id, clients=followups)
    return OrderOut.of(order)


@router.post(
    "/claim",
    response_model=OrderOut,
    summary="Attach a guest order to my account",
    description=(
        "For a signed-in account whose email is verified and equals the guest order's "
        "email: the order (named by its `order_token`, from the checkout reply or the "
        "order's emails) joins the account's orders. Claiming it again is a no-op. 404 for "
        "an unknown token or another email's order; 403 while the email is unverified."
    ),
    responses=behind_token(
        NotFound.documented("No guest order with this token for this account's email"),
        RequestInvalid,
        forbidden=Forbidden.documented("The account's email is not verified yet"),
    ),
)
async def claim_guest_order(
    body: OrderClaimIn, user: CurrentAccount, session: SessionDep
) -> OrderOut:
    if not user.email_verified:
        raise Forbidden(
            "Confirm your email address before claiming orders", code="email_not_verified"
        )
    order = await session.scalar(
        select(Order).where(Order.guest_token == body.order_token).with_for_update()
    )
    if order is None or order.customer_email != user.email:
        raise NotFound("Order not found")
    if order.user_id is None:
        order.user_id = user.id
    elif order.user_id != user.id:
        raise NotFound("Order not found")
    await session.flush()
    detail = await get_order_detail(session, order_id=order.id, user_id=user.id)
    return OrderOut.of(detail)
