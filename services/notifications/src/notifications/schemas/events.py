"""The inbound event envelope and the `data` each event type must carry.

Strict on the fields a message needs (a missing order number or address is a 422 that the
sender's outbox marks failed, visible to its admins), tolerant of anything extra so an emitter
can add fields without a coordinated release. Field lists agreed in docs/contracts.md.
"""

from __future__ import annotations

import logging
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
)
from shopkit.events import EventType

log = logging.getLogger("notifications.events")

SUPPORTED_VERSIONS = frozenset({1})
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _money_without_floats(value: Any) -> Any:
    # A JSON number like 19.99 has already been through a binary float: refuse it rather
    # than print a rounded amount in a customer's email.
    if isinstance(value, float):
        raise ValueError('money must be a decimal string like "19.99", not a JSON number')
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money_without_floats),
    Field(ge=0, max_digits=12, decimal_places=2),
]

_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,24}$")


def _email_address(value: str) -> str:
    # Deliberately lenient (no DNS, no special-use-domain rules): the address was validated
    # when the account was made; here it only has to be a plausible single mailbox.
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


def _phone_number(value: Any) -> str | None:
    # Optional extra: a number we cannot text costs the SMS, never the email.
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if not _PHONE.match(value):
        log.warning("ignoring an unusable phone number in an event (no SMS sent)")
        return None
    return value


def _http_link(value: Any) -> str | None:
    # Optional extra: an unusable tracking link falls back to the order page, and anything
    # but http(s) (javascript:, data:) never reaches an email.
    if value is None or value == "":
        return None
    try:
        url = _HTTP_URL.validate_python(value)
    except ValidationError:
        log.warning("ignoring a tracking_url that is not an http(s) URL")
        return None
    return str(url)


def _known_or_none(value: Any) -> Any:
    return value if value in ("expired", "cancelled", "payment_failed") else None


def _single_line(value: str) -> str:
    # Names and numbers end up in subjects, SMS and the database (which refuses NUL).
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("control characters (newlines, tabs, NUL...) are not allowed here")
    return value


def _free_text(value: str) -> str:
    if any((ord(char) < 32 and char not in "\n\r\t") or ord(char) == 127 for char in value):
        raise ValueError("control characters other than newlines and tabs are not allowed")
    return value


EmailAddress = Annotated[str, AfterValidator(_single_line), AfterValidator(_email_address)]
PhoneNumber = Annotated[str | None, BeforeValidator(_phone_number)]
TrackingLink = Annotated[str | None, BeforeValidator(_http_link)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
OneLine = AfterValidator(_single_line)
Code = Annotated[str, Field(min_length=1, max_length=64), OneLine]  # SKU, order number
Name = Annotated[str, Field(min_length=1, max_length=500), OneLine]
TrackingNumber = Annotated[str, Field(min_length=1, max_length=200), OneLine]
FreeText = Annotated[str, Field(max_length=500), AfterValidator(_free_text)]


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class OrderItem(EventData):
    sku: Code
    name: Name
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    unit_price: Money
    line_total: Money


class OrderEventData(EventData):
    """Common `data` of every ORDER_* event."""

    order_id: uuid.UUID
    order_number: Code
    email: EmailAddress
    items: Annotated[list[OrderItem], Field(min_length=1, max_length=500)]
    total: Money
    currency: CurrencyCode
    # Useful but not needed to write a message: tolerated when missing.
    user_id: uuid.UUID | None = None
    customer_name: Annotated[str, Field(max_length=200), OneLine] | None = None
    phone: PhoneNumber = None
    subtotal: Money | None = None
    shipping: Money | None = None
    tax: Money | None = None


class OrderShippedData(OrderEventData):
    carrier: Name
    tracking_number: TrackingNumber
    tracking_url: TrackingLink = None


class OrderCancelledData(OrderEventData):
    reason: FreeText | None = None


class OrderRefundedData(OrderEventData):
    refund_amount: Money


ClosedOrderStatus = Literal["expired", "cancelled", "payment_failed"]


class OrderLatePaymentRefundedData(OrderEventData):
    refund_amount: Money
    # What the order had become before the money arrived; a wording hint, so an unknown
    # value costs only that hint.
    order_status: Annotated[ClosedOrderStatus | None, BeforeValidator(_known_or_none)] = None


class LowStockData(EventData):
    sku: Code
    product_name: Name
    available: int
    product_id: uuid.UUID | None = None
    on_hand: int | None = None
    reorder_level: int | None = None


DATA_MODELS: dict[EventType, type[EventData]] = {
    EventType.ORDER_PLACED: OrderEventData,
    EventType.ORDER_PAID: OrderEventData,
    EventType.ORDER_PAYMENT_FAILED: OrderEventData,
    EventType.ORDER_SHIPPED: OrderShippedData,
    EventType.ORDER_DELIVERED: OrderEventData,
    EventType.ORDER_CANCELLED: OrderCancelledData,
    EventType.ORDER_REFUNDED: OrderRefundedData,
    EventType.ORDER_EXPIRED: OrderEventData,
    EventType.ORDER_LATE_PAYMENT_REFUNDED: OrderLatePaymentRefundedData,
    EventType.LOW_STOCK: LowStockData,
}


class InboundEnvelope(BaseModel):
    """The envelope as received: every field required (no generated event id here, or a
    redelivery would look like a new event)."""

    model_config = ConfigDict(extra="ignore")

    event_id: uuid.UUID
    type: Annotated[str, Field(min_length=1, max_length=64)]
    version: Annotated[int, Field(ge=1)]
    occurred_at: AwareDatetime
    source: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]
    data: dict[str, Any]


class ValidEvent(BaseModel):
    """An envelope whose type is known and whose data passed that type's model."""

    event_id: uuid.UUID
    type: EventType
    version: int
    occurred_at: AwareDatetime
    source: str
    data: EventData
