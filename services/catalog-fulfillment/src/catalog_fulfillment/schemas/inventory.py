"""Request and response bodies of the inventory endpoints (two-phase reserve/commit/release)."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from shopkit.bodies import ClosedModel
from shopkit.fields import JSON_INTEGER, JsonInt, SafeText, Sku

Quantity = Annotated[int, Field(ge=1, le=10_000), JSON_INTEGER]


class StockLine(ClosedModel):
    sku: Sku
    quantity: Quantity


class ReserveRequest(ClosedModel):
    reservation_id: uuid.UUID = Field(description="The caller's id for this hold: the order id")
    items: list[StockLine] = Field(min_length=1, max_length=100)
    ttl_seconds: (
        Annotated[
            int,
            Field(ge=1, description="How long to hold the stock; the service default if absent"),
            JSON_INTEGER,
        ]
        | None
    ) = None


class ReservationRef(ClosedModel):
    reservation_id: uuid.UUID


class ReservationLine(BaseModel):
    sku: str
    quantity: int


class ReservationOut(BaseModel):
    reservation_id: uuid.UUID
    status: Literal["reserved", "committed", "released", "expired"]
    expires_at: datetime
    items: list[ReservationLine]


class RestockRequest(ClosedModel):
    key: SafeText = Field(
        min_length=1,
        max_length=200,
        description="Idempotency key, e.g. 'cancel:<order_id>'; the same key never restocks twice",
    )
    items: list[StockLine] = Field(min_length=1, max_length=100)


class RestockOut(BaseModel):
    key: str
    status: Literal["restocked"] = "restocked"
    items: list[ReservationLine]


class StockLevel(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    reorder_level: int


class StockUpdate(ClosedModel):
    on_hand: JsonInt = Field(ge=0, le=10_000_000)
    reorder_level: Annotated[int, Field(ge=0, le=10_000_000), JSON_INTEGER] | None = None
