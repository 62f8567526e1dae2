"""Fulfillment (shipment) bodies."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints
from shopkit.bodies import ClosedModel

from catalog_fulfillment.schemas.common import trimmed_text

FulfillmentStatus = Literal["shipped", "in_transit", "delivered"]


class FulfillmentCreate(ClosedModel):
    order_id: uuid.UUID
    user_id: uuid.UUID
    carrier: Annotated[str, *trimmed_text(60)]
    tracking_number: Annotated[
        str,
        StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]*$"),
    ]


class FulfillmentStatusUpdate(ClosedModel):
    status: FulfillmentStatus


class FulfillmentOut(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    carrier: str
    tracking_number: str
    tracking_url: str | None
    status: FulfillmentStatus
    shipped_at: datetime
    in_transit_at: datetime | None
    delivered_at: datetime | None
    updated_at: datetime
