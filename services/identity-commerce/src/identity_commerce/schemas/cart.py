"""Request and response bodies of /cart. Money is a Decimal serialised as a string."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field
from shopkit.fields import JSON_INTEGER, Sku
from shopkit.money import Money

from identity_commerce.models.cart import CartLine, CartView
from identity_commerce.services.guest_carts import MergeAdjustment

Quantity = Annotated[int, Field(ge=1, le=999), JSON_INTEGER]


class CartItemAdd(BaseModel):
    sku: Sku
    quantity: Quantity = 1


class CartItemUpdate(BaseModel):
    quantity: Quantity


class CartLineOut(BaseModel):
    id: uuid.UUID
    sku: str
    product_id: uuid.UUID | None
    name: str
    image_url: str | None
    unit_price: Money
    currency: str
    quantity: int
    line_total: Money
    available: bool = Field(
        description="False when the stock no longer covers the quantity or the sku is gone"
    )
    available_quantity: int | None = Field(
        description="Units the catalog can sell now; null when the catalog was not reachable"
    )

    @classmethod
    def of(cls, line: CartLine) -> CartLineOut:
        item = line.item
        return cls(
            id=item.id,
            sku=item.sku,
            product_id=item.product_id,
            name=item.name,
            image_url=item.image_url,
            unit_price=item.unit_price,
            currency=item.currency,
            quantity=item.quantity,
            line_total=line.line_total,
            available=item.available,
            available_quantity=line.available_quantity,
        )


class CartOut(BaseModel):
    items: list[CartLineOut]
    subtotal: Money
    currency: str
    item_count: int
    refreshed: bool = Field(
        description="False when catalog-fulfillment was down: names, prices and availability "
        "are the last ones seen"
    )

    @classmethod
    def of(cls, view: CartView) -> CartOut:
        return cls(
            items=[CartLineOut.of(line) for line in view.lines],
            subtotal=view.subtotal,
            currency=view.currency,
            item_count=view.item_count,
            refreshed=view.refreshed,
        )


CartToken = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class GuestCartOut(BaseModel):
    cart_token: str = Field(description="Send as X-Cart-Token; shown only once")


class CartMerge(BaseModel):
    cart_token: CartToken


class MergeAdjustmentOut(BaseModel):
    sku: str
    requested: int = Field(description="The account's units plus the guest's")
    quantity: int = Field(description="What the account's line holds now")
    reason: str = Field(description="stock, line_limit, cart_full or unavailable")


class CartMergeOut(CartOut):
    merged: bool = Field(description="False when there was no guest cart to merge (any more)")
    adjusted: list[MergeAdjustmentOut]

    @classmethod
    def of(  # type: ignore[override]
        cls, view: CartView, *, merged: bool, adjusted: list[MergeAdjustment]
    ) -> CartMergeOut:
        base = CartOut.of(view)
        return cls(
            **base.model_dump(),
            merged=merged,
            adjusted=[MergeAdjustmentOut(**vars(item)) for item in adjusted],
        )
