"""Request and response bodies of partial refunds and returns (services/refunds.py,
services/returns.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field
from shopkit.bodies import ClosedModel
from shopkit.fields import JSON_INTEGER, Sku
from shopkit.money import MoneyIn
from shopkit.pages import Page

from identity_commerce.schemas.fields import text
from identity_commerce.schemas.orders import AdminOrderOut, RefundOut, ReturnOut

UnitCount = Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER]
Reason = Annotated[str, *text(500)]


class LineIn(ClosedModel):
    sku: Sku
    quantity: UnitCount


class RefundIn(ClosedModel):
    lines: list[LineIn] = Field(
        default_factory=list,
        max_length=500,
        description="Units to refund at the price paid (their share of discount and tax)",
    )
    amount: MoneyIn | None = Field(
        default=None, description="Refund exactly this instead of the lines' computed sum"
    )
    include_shipping: bool = Field(
        default=False, description="Also refund the shipping (what is left of it)"
    )
    restock: bool = Field(default=False, description="Put the refunded lines back on the shelf")
    reason: Reason


class RefundCreatedOut(BaseModel):
    refund: RefundOut
    order: AdminOrderOut


class ReturnIn(ClosedModel):
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    reason: Reason


class ReturnDecisionIn(ClosedModel):
    note: Annotated[str, *text(1000)] | None = None


class ReturnReceiveIn(ClosedModel):
    restock: bool = Field(default=True, description="Put the returned units back on the shelf")
    note: Annotated[str, *text(1000)] | None = None


class AdminReturnOut(ReturnOut):
    order_number: str


class AdminReturnPage(Page[AdminReturnOut]):
    pass
