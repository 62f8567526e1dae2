"""Request and response bodies of /cart. Money is a Decimal serialised as a string."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field
from shopkit.bodies import read_body
from shopkit.fields import JSON_INTEGER, Sku
from shopkit.money import Money

from identity_commerce.models.cart import CartLine, CartView
from identity_commerce.services.cart_promo import CartPromo
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
        return read_body(
            cls, line.item, line_total=line.line_total, available_quantity=line.available_quantity
        )


class PromoIn(BaseModel):
    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\s*[A-Za-z0-9_-]+\s*$")]


class CartPromoOut(BaseModel):
    code: str = Field(description="The code as stored (upper case)")
    discount: Money = Field(description="Taken off the subtotal, before tax; 0 with a problem")
    problem: str | None = Field(
        default=None,
        description="Why the code does not apply now (the `code` checkout would answer 409 "
        "with: inactive, not_started, expired, below_minimum, used_up, per_customer_limit)",
    )

    @classmethod
    def of(cls, promo: CartPromo) -> CartPromoOut:
        return cls(code=promo.code, discount=promo.discount, problem=promo.problem)


class CartOut(BaseModel):
    items: list[CartLineOut]
    subtotal: Money
    promo: CartPromoOut | None = Field(
        default=None, description="The promo code applied with POST /cart/promo"
    )
    discount: Money = Field(default=Decimal("0.00"), description="The promo code's discount")
    discounted_subtotal: Money = Field(
        default=Decimal("0.00"),
        description="subtotal - discount; shipping and tax (on this amount) come at checkout",
    )
    currency: str
    item_count: int
    refreshed: bool = Field(
        description="False when catalog-fulfillment was down: names, prices and availability "
        "are the last ones seen"
    )

    @classmethod
    def of(cls, view: CartView, promo: CartPromo | None = None) -> CartOut:
        discount = promo.discount if promo is not None else Decimal("0.00")
        return cls(
            items=[CartLineOut.of(line) for line in view.lines],
            subtotal=view.subtotal,
            promo=CartPromoOut.of(promo) if promo is not None else None,
            discount=discount,
            discounted_subtotal=view.subtotal - discount,
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
        cls,
        view: CartView,
        *,
        merged: bool,
        adjusted: list[MergeAdjustment],
        promo: CartPromo | None = None,
    ) -> CartMergeOut:
        base = CartOut.of(view, promo)
        return cls(
            **base.model_dump(),
            merged=merged,
            adjusted=[MergeAdjustmentOut(**vars(item)) for item in adjusted],
        )
