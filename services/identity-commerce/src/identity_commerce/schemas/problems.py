"""Error bodies of identity-commerce beyond shopkit's `Problem` (`{"detail": ...}`): the
fields some errors add, as their classes document them (shopkit.errors)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel


class Shortage(BaseModel):
    sku: str
    requested: int
    available: int


class OutOfStockProblem(BaseModel):
    detail: str
    shortages: list[Shortage]


class PaymentDeclinedProblem(BaseModel):
    detail: str
    order_id: uuid.UUID
    status: Literal["payment_failed"]
    decline_code: str | None
