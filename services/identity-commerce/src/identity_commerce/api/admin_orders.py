"""/admin/orders: every order, filtered by status; status changes by the state machine."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from shopkit.db import SessionDep
from shopkit.errors import Conflict, NotFound, RequestInvalid, ServiceUnavailable, behind_token
from shopkit.pages import Paging

from identity_commerce.api.deps import (
    CatalogDep,
    FollowUpClientsDep,
    OrdersStaff,
    StripeDep,
)
from identity_commerce.api.responses import STRIPE_REFUSED
from identity_commerce.schemas.orders import (
    AdminOrderOut,
    AdminOrderPage,
    AdminOrderSummary,
    OrderStatusName,
    StatusChangeIn,
)
from identity_commerce.services.order_followups import finish_after_commit
from identity_commerce.services.orders import (
    admin_actor,
    get_order_detail,
    list_orders,
    live_fulfillment,
)
from identity_commerce.services.orders_changes import admin_change_status

router = APIRouter(prefix="/admin/orders", tags=["admin: orders"])


@router.get(
    "",
    response_model=AdminOrderPage,
    summary="All orders, newest first, optionally of one status",
    responses=behind_token(RequestInvalid),
)
async def all_orders(
    _: OrdersStaff,
    session: SessionDep,
    paging: Paging,
    status: OrderStatusName | None = None,
) -> AdminOrderPage:
    rows, total = await list_orders(
        session, status=status, page=paging.page, page_size=paging.page_size
    )
    return AdminOrderPage.of(
        [AdminOrderSummary.of(r.order, r.item_count) for r in rows], total, paging
    )


@router.get(
    "/{order_id}",
    response_model=AdminOrderOut,
    summary="Any order in full",
    responses=behind_token(NotFound.documented("No such order"), RequestInvalid),
)
async def any_order(
    order_id: uuid.UUID, _: OrdersStaff, session: SessionDep, inventory: CatalogDep
) -> AdminOrderOut:
    order = await get_order_detail(session, order_id=order_id)
    fulfillment = await live_fulfillment(order, inventory)
    return AdminOrderOut.of(order, fulfillment=fulfillment)


@router.post(
    "/{order_id}/status",
    response_model=AdminOrderOut,
    summary="Move an order: processing, shipped, delivered, cancelled or refunded",
    description=(
        "`shipped` needs `carrier` and `tracking_number` and records the shipment in "
        "catalog-fulfillment; `cancelled` releases or refunds and restocks; `refunded` "
        "refunds through Stripe (and restocks orders that never shipped; when the catalog "
        "is down the stock follows as soon as it answers). A refunded order can never be "
        "shipped. Each change adds a timeline entry and emits its event."
    ),
    responses=behind_token(
        NotFound.documented("No such order"),
        Conflict.documented("The state machine does not allow this change"),
        RequestInvalid.documented("Unknown status, or shipped without carrier and tracking_number"),
        ServiceUnavailable.documented(
            "Stripe or catalog-fulfillment is down; nothing changed (see Retry-After)"
        ),
        STRIPE_REFUSED,
    ),
)
async def change_order_status(
    order_id: uuid.UUID,
    body: StatusChangeIn,
    admin: OrdersStaff,
    session: SessionDep,
    inventory: CatalogDep,
    stripe: StripeDep,
    followups: FollowUpClientsDep,
) -> AdminOrderOut:
    order = await admin_change_status(
        session,
        order_id=order_id,
        target=body.status,
        actor=admin_actor(admin.subject),
        carrier=body.carrier,
        tracking_number=body.tracking_number,
        note=body.note,
        inventory=inventory,
        stripe=stripe,
    )
    await finish_after_commit(session, order_id=order.id, clients=followups)
    return AdminOrderOut.of(order)
