"""/orders: a customer's own orders (list, detail, cancel)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query
from shopkit.auth import CurrentUser
from shopkit.db import SessionDep

from identity_commerce.api.dependencies import CatalogDep
from identity_commerce.clients.stripe import StripeDep
from identity_commerce.schemas.orders import CancelIn, OrderOut, OrderPage, OrderSummary
from identity_commerce.schemas.problems import problem_responses
from identity_commerce.services.order_followups import FollowUpClientsDep, finish_after_commit
from identity_commerce.services.orders import (
    customer_actor,
    get_order_detail,
    list_orders,
    live_fulfillment,
    order_view,
    summary_view,
)
from identity_commerce.services.orders_changes import cancel_order

router = APIRouter(prefix="/orders", tags=["orders"])

Page = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]


@router.get(
    "",
    response_model=OrderPage,
    summary="My orders, newest first",
    responses=problem_responses(401, 403, 422),
)
async def my_orders(
    principal: CurrentUser, session: SessionDep, page: Page = 1, page_size: PageSize = 20
) -> OrderPage:
    rows, total = await list_orders(
        session, user_id=principal.user_id, page=page, page_size=page_size
    )
    return OrderPage(
        items=[OrderSummary.model_validate(summary_view(r)) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/{order_id}",
    response_model=OrderOut,
    summary="One of my orders with items, totals, addresses, payment, shipment and timeline",
    responses=problem_responses(401, 403, 404, 422, e404="No such order, or not yours"),
)
async def my_order(
    order_id: uuid.UUID, principal: CurrentUser, session: SessionDep, inventory: CatalogDep
) -> OrderOut:
    order = await get_order_detail(session, order_id=order_id, user_id=principal.user_id)
    fulfillment = await live_fulfillment(order, inventory)
    return OrderOut.model_validate(order_view(order, fulfillment=fulfillment), from_attributes=True)


@router.post(
    "/{order_id}/cancel",
    response_model=OrderOut,
    summary="Cancel my order: before payment the stock is released, after it refunded",
    description=(
        "A paid order is refunded in full through Stripe and cancelled at once; its stock "
        "goes back to catalog-fulfillment right after, or, if the catalog is down, as soon as "
        "it answers again (retried in the background, exactly once)."
    ),
    responses=problem_responses(
        401,
        403,
        404,
        409,
        422,
        503,
        502,
        e404="No such order, or not yours",
        e409="Shipped, delivered or already closed orders cannot be cancelled",
        e503="Stripe (or, before payment, catalog-fulfillment) is down; nothing changed "
        "(see Retry-After)",
        e502="Stripe refused the request (e.g. an unknown PaymentIntent); nothing changed",
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
    return OrderOut.model_validate(order_view(order), from_attributes=True)
