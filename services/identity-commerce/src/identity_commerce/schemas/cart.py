"""Request and response bodies of /cart. Money is a Decimal serialised as a string."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field
from shopkit.fields import JSON_INTEGER, Sku
from shopkit.money import Money

from identity_commerce.models.cart import CartLine, CartView

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
