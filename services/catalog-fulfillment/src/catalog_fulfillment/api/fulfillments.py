"""Fulfillments: created by identity-commerce when an order ships; tracked to delivery."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from shopkit.auth import scoped
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    NotFound,
    behind_token,
)
from shopkit.scopes import FULFILLMENTS_WRITE
from shopkit.tokens import Principal

from catalog_fulfillment.schemas.fulfillments import (
    FulfillmentCreate,
    FulfillmentOut,
    FulfillmentStatusUpdate,
)
from catalog_fulfillment.services import fulfillments

router = APIRouter(prefix="/fulfillments", tags=["fulfillments"])
# Services need fulfillments:write for every fulfillment route (reading what they wrote too).
ServiceWriter = Annotated[Principal, scoped(FULFILLMENTS_WRITE)]
AdminOrServiceWriter = Annotated[
    Principal, scoped(FULFILLMENTS_WRITE, roles=("admin",), permission="orders")
]
Reader = Annotated[Principal, scoped(FULFILLMENTS_WRITE, roles=("customer", "staff", "admin"))]


@router.post(
    "",
    response_model=FulfillmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record that an order shipped (service only; same order again returns it)",
    responses={
        200: {"model": FulfillmentOut, "description": "Already recorded: the existing one"},
        **behind_token(),
    },
)
async def create_fulfillment(
    body: FulfillmentCreate, response: Response, session: SessionDep, _: ServiceWriter
) -> FulfillmentOut:
    fulfillment, created = await fulfillments.create_fulfillment(session, data=body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return FulfillmentOut.model_validate(fulfillment, from_attributes=True)


@router.post(
    "/{order_id}/status",
    response_model=FulfillmentOut,
    summary="Move a shipment forward: shipped -> in_transit -> delivered",
    responses=behind_token(
        NotFound.documented("No fulfillment for this order"), Conflict.documented("Backwards")
    ),
)
async def update_status(
    order_id: uuid.UUID, body: FulfillmentStatusUpdate, session: SessionDep, _: AdminOrServiceWriter
) -> FulfillmentOut:
    fulfillment = await fulfillments.advance_status(session, order_id=order_id, status=body.status)
    return FulfillmentOut.model_validate(fulfillment, from_attributes=True)


@router.get(
    "/{order_id}",
    response_model=FulfillmentOut,
    summary="The shipment of an order (its owner, admins and services)",
    responses=behind_token(NotFound.documented("No fulfillment for this order, or not yours")),
)
async def read_fulfillment(
    order_id: uuid.UUID, session: SessionDep, principal: Reader
) -> FulfillmentOut:
    fulfillment = await fulfillments.read_fulfillment(
        session, order_id=order_id, principal=principal
    )
    return FulfillmentOut.model_validate(fulfillment, from_attributes=True)
