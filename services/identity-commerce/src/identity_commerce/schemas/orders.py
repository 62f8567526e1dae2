"""Request and response bodies of checkout, orders, admin orders and the Stripe webhook.

Money is a Decimal serialised as a string with two decimals ("19.99"), always next to its
currency.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from shopkit.bodies import ClosedModel, read_body
from shopkit.money import Money
from shopkit.pages import Page

from identity_commerce.clients.catalog import Fulfillment
from identity_commerce.models import Order, Payment
from identity_commerce.models.order_status import OrderStatus
from identity_commerce.schemas.addresses import AddressIn
from identity_commerce.schemas.fields import Email, text
from identity_commerce.services.shipping import ShippingOption

OrderStatusName = Literal[
    "pending_payment",
    "paid",
    "payment_failed",
    "cancelled",
    "expired",
    "processing",
    "shipped",
    "delivered",
    "refunded",
    "partially_refunded",
]
ReturnStatusName = Literal["requested", "approved", "rejected", "received"]
AdminTargetStatus = Literal["processing", "shipped", "delivered", "cancelled", "refunded"]
# As catalog-fulfillment accepts them for fulfillments; no control characters anywhere
# (PostgreSQL cannot store NUL, and none belongs in a note).
Carrier = Annotated[str, *text(60)]
TrackingNumber = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")
]
Note = Annotated[str, *text(1000)]


# --- checkout -----------------------------------------------------------------------------
SHIPPING_METHOD_ID = (
    "One of GET /checkout/shipping-methods for the shipping country; default: the cheapest "
    "for this cart"
)


class CreatePaymentIntentIn(ClosedModel):
    shipping_address_id: uuid.UUID
    billing_address_id: uuid.UUID
    shipping_method_id: uuid.UUID | None = Field(default=None, description=SHIPPING_METHOD_ID)


class GuestAddressIn(AddressIn):
    """An address typed in at guest checkout (`kind` and `is_default` are ignored)."""

    model_config = ConfigDict(extra="forbid")


class GuestCreatePaymentIntentIn(ClosedModel):
    """Guest checkout (with X-Cart-Token, without Authorization)."""

    email: Email
    shipping_address: GuestAddressIn
    billing_address: GuestAddressIn | None = Field(
        default=None, description="Defaults to the shipping address"
    )
    shipping_method_id: uuid.UUID | None = Field(default=None, description=SHIPPING_METHOD_ID)


class OrderClaimIn(BaseModel):
    order_token: Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class PaymentIntentOut(BaseModel):
    order_id: uuid.UUID
    order_number: str
    payment_intent_id: str
    client_secret: str
    amount: Money
    currency: str
    status: Literal["pending_payment"] = "pending_payment"
    reservation_expires_at: datetime
    publishable_key: str = Field(description="Stripe publishable key for Stripe.js")
    order_token: str | None = Field(
        default=None,
        description="Guest checkout only: send as X-Order-Token to GET /orders/{order_id}; "
        "the order's emails link to it",
    )


class ShippingMethodOption(BaseModel):
    id: uuid.UUID | None = Field(description="null: the settings' flat rule (no method configured)")
    name: str
    price: Money = Field(description="What this cart pays for it now")
    regular_price: Money = Field(description="Its price without the free-over threshold")
    free_over: Money | None = Field(description="Free once the discounted subtotal reaches it")
    delivery_estimate: str | None

    @classmethod
    def of(cls, option: ShippingOption, price: Decimal) -> ShippingMethodOption:
        return read_body(cls, option, price=price, regular_price=option.price)


class ConfirmIn(ClosedModel):
    order_id: uuid.UUID
    payment_method_id: (
        Annotated[
            str,
            StringConstraints(pattern=r"^pm_[A-Za-z0-9_]{1,200}$"),
        ]
        | None
    ) = Field(
        default=None,
        description="Confirm server-side with this PaymentMethod (test: pm_card_visa, "
        "pm_card_visa_chargeDeclined). Leave out after confirming in the browser with Stripe.js.",
    )


# --- orders -------------------------------------------------------------------------------
class OrderItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    product_id: uuid.UUID | None
    name: str
    quantity: int
    unit_price: Money
    line_total: Money


class AddressSnapshot(BaseModel):
    full_name: str
    line1: str
    line2: str | None = None
    city: str
    state: str | None = None
    postal_code: str
    country: str
    phone: str | None = None


class RefundLineOut(BaseModel):
    sku: str
    name: str
    quantity: int
    amount: Money = Field(description="What these units cost, discount and tax shared out")


class RefundOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(validation_alias="stripe_refund_id")
    amount: Money
    status: str
    reason: str | None
    lines: list[RefundLineOut] = Field(description="The units this refund gave back, if any")
    shipping_amount: Money
    restock: bool = Field(description="Whether its lines went back on the shelf")
    created_at: datetime


class ReturnLineOut(BaseModel):
    sku: str
    name: str
    quantity: int


class ReturnOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    order_id: uuid.UUID
    status: ReturnStatusName
    reason: str
    lines: list[ReturnLineOut]
    note: str | None = Field(description="The shop's word on approving, rejecting, receiving")
    created_at: datetime
    updated_at: datetime


class PaymentOut(BaseModel):
    provider: str
    payment_intent_id: str
    status: str
    amount: Money
    currency: str
    refunded_amount: Money
    failure_message: str | None
    client_secret: str | None = Field(
        description="Only while the order awaits payment, for Stripe.js"
    )
    refunds: list[RefundOut]

    @classmethod
    def of(cls, payment: Payment, order_status: str) -> PaymentOut:
        awaiting = order_status == OrderStatus.PENDING_PAYMENT
        return read_body(cls, payment, client_secret=payment.client_secret if awaiting else None)


class FulfillmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    status: str
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None

    @classmethod
    def of(cls, order: Order, live: Fulfillment | None) -> FulfillmentOut | None:
        """The shipment as catalog-fulfillment reports it, else the facts mirrored on the
        order (no dates: only catalog-fulfillment keeps them)."""
        if live is not None:
            return cls.model_validate(live)
        if order.tracking_number is None:
            return None
        shown = order.status if order.status in ("shipped", "delivered") else "shipped"
        return cls(
            carrier=order.carrier,
            tracking_number=order.tracking_number,
            tracking_url=order.tracking_url,
            status=shown,
        )


class TimelineEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: OrderStatusName
    at: datetime
    note: str | None


class OrderOut(BaseModel):
    id: uuid.UUID
    number: str
    status: OrderStatusName
    items: list[OrderItemOut]
    subtotal: Money
    discount: Money = Field(description="What the promo code took off the subtotal (before tax)")
    promo_code: str | None
    shipping: Money
    shipping_method: str | None = Field(
        description="The shipping method's name; null on orders "
        "placed before shipping methods existed"
    )
    tax: Money
    total: Money = Field(description="subtotal - discount + shipping + tax")
    currency: str
    shipping_address: AddressSnapshot
    billing_address: AddressSnapshot
    payment: PaymentOut | None
    fulfillment: FulfillmentOut | None
    timeline: list[TimelineEntry]
    returns: list[ReturnOut]
    reservation_expires_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: Order, *, fulfillment: Fulfillment | None = None) -> Self:
        """The order with its items, payment and timeline (loaded with it); the shipment
        as catalog-fulfillment reports it when asked (`fulfillment`)."""
        payment = order.payment
        return read_body(
            cls,
            order,
            payment=PaymentOut.of(payment, order.status) if payment else None,
            fulfillment=FulfillmentOut.of(order, fulfillment),
        )


ATTENTION = (
    "Why an admin must look at this order, e.g. Stripe took another amount or currency than "
    "the order's (then it is not marked paid); null when all is well"
)


class AdminOrderOut(OrderOut):
    user_id: uuid.UUID | None
    customer_email: str
    customer_name: str
    attention: str | None = Field(default=None, description=ATTENTION)


class OrderSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    status: OrderStatusName
    total: Money
    currency: str
    item_count: int
    created_at: datetime

    @classmethod
    def of(cls, order: Order, item_count: int) -> Self:
        return read_body(cls, order, item_count=item_count)


class AdminOrderSummary(OrderSummary):
    user_id: uuid.UUID | None
    customer_email: str
    attention: str | None = Field(default=None, description=ATTENTION)


class OrderPage(Page[OrderSummary]):
    pass


class AdminOrderPage(Page[AdminOrderSummary]):
    pass


class CancelIn(ClosedModel):
    reason: Annotated[str, *text(500)] | None = None


class StatusChangeIn(ClosedModel):
    model_config = ConfigDict(
        # the rule of _shipping_needs_tracking, stated in the schema
        json_schema_extra={
            "if": {"properties": {"status": {"const": "shipped"}}},
            "then": {
                "required": ["carrier", "tracking_number"],
                "properties": {
                    "carrier": {"type": "string"},
                    "tracking_number": {"type": "string"},
                },
            },
        },
    )

    status: AdminTargetStatus
    carrier: Carrier | None = None
    tracking_number: TrackingNumber | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _shipping_needs_tracking(self) -> StatusChangeIn:
        if self.status == "shipped" and not (self.carrier and self.tracking_number):
            raise ValueError("shipping an order needs carrier and tracking_number")
        return self


# --- webhook and internal -----------------------------------------------------------------
class WebhookAck(BaseModel):
    received: bool = True
    outcome: Literal["processed", "duplicate", "ignored"]


class VerifiedPurchase(BaseModel):
    verified: bool


JSON = dict[str, Any]
