"""/orders: a customer's own orders (list, detail, cancel)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body
from shopkit.auth import CurrentUser
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
from shopkit.pages import Paging

from identity_commerce.api.deps import CatalogDep, FollowUpClientsDep, StripeDep
from identity_commerce.clients.stripe import StripeRequestRefused
from identity_commerce.schemas.orders import CancelIn, OrderOut, OrderPage, OrderSummary
from identity_commerce.services.order_followups import finish_after_commit
from identity_commerce.services.orders import (
    customer_actor,
    get_order_detail,
    list_orders,
    live_fulfillment,
)
from identity_commerce.services.orders_changes import cancel_order

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get(
    "",
    response_model=OrderPage,
    summary="My orders, newest first",
    responses=error_responses(Unauthorized, Forbidden, RequestInvalid),
)
async def my_orders(principal: CurrentUser, session: SessionDep, paging: Paging) -> OrderPage:
    rows, total = await list_orders(
        session, user_id=principal.user_id, page=paging.page, page_size=paging.page_size
    )
    return OrderPage.of([OrderSummary.of(r.order, r.item_count) for r in rows], total, paging)


@router.get(
    "/{order_id}",
    response_model=OrderOut,
    summary="One of my orders with items, totals, addresses, payment, shipment and timeline",
    responses=error_responses(
        Unauthorized, Forbidden, NotFound.documented("No such order, or not yours"), RequestInvalid
    ),
)
async def my_order(
    order_id: uuid.UUID, principal: CurrentUser, session: SessionDep, inventory: CatalogDep
) -> OrderOut:
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
    responses=error_responses(
        Unauthorized,
        Forbidden,
        NotFound.documented("No such order, or not yours"),
        Conflict.documented("Shipped, delivered or already closed orders cannot be cancelled"),
        RequestInvalid,
        ServiceUnavailable.documented(
            "Stripe (or, before payment, catalog-fulfillment) is down; nothing changed "
            "(see Retry-After)"
        ),
        StripeRequestRefused.documented(
            "Stripe refused the request (e.g. an unknown PaymentIntent); nothing changed"
        ),
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
