"""The inbound event envelope and the `data` each event type must carry.

Strict on the fields a message needs (a missing order number or address is a 422 that the
sender's outbox marks failed, visible to its admins), tolerant of anything extra so an emitter
can add fields without a coordinated release. Field lists agreed in docs/contracts.md.

`envelope_json_schema()` is what `POST /notify` documents: one envelope per event type, built
from these models, so the OpenAPI document states every rule `parse_event` applies (values
are checked as sent: patterns, JSON integers, money as a decimal string or an integer).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Annotated, Any, Literal, Union, cast

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    Strict,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    create_model,
)
from shopkit.events import EventType
from shopkit.fields import (
    DATE_TIME_TEXT,
    EMAIL_ADDRESS,
    JSON_INTEGER,
    WHITESPACE,
    Documented,
    JsonInt,
    matching,
)
from shopkit.money import ExactMoneyIn

log = logging.getLogger("notifications.events")

SUPPORTED_VERSIONS = frozenset({1})
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


# One line: no control character (C0 or DEL); at least one character that is not a space.
ONE_LINE = rf"^[^\u0000-\u001f\u007f]*[^\u0000-\u001f\u007f{WHITESPACE}][^\u0000-\u001f\u007f]*$"
EMAIL = f"^{EMAIL_ADDRESS}$"
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,24}$")


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


# Names and numbers end up in subjects, SMS and the database (which refuses NUL).
OneLine = (
    AfterValidator(
        matching(ONE_LINE, "control characters (newlines, tabs, NUL...) or a blank value")
    ),
    Documented.keywords(pattern=ONE_LINE),
)
# Free text: newlines and tabs allowed, other control characters not.
FREE_TEXT = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
# Optional extras that never fail an event: anything unusable is dropped (see above).
_TOLERATED = WithJsonSchema({"description": "optional; an unusable value is ignored"})

# Deliberately lenient (no DNS, no special-use-domain rules): the address was validated when
# the account was made; here it has to be a single mailbox a To: header can hold (ASCII, as
# identity-commerce accepts them; anything else would fail building the message).
EmailAddress = Annotated[
    str,
    Field(max_length=254),
    AfterValidator(matching(EMAIL, "not a valid email address")),
    Documented.keywords(pattern=EMAIL),
]
PhoneNumber = Annotated[str | None, BeforeValidator(_phone_number), _TOLERATED]
TrackingLink = Annotated[str | None, BeforeValidator(_http_link), _TOLERATED]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Code = Annotated[str, Field(min_length=1, max_length=64), *OneLine]  # SKU, order number
Name = Annotated[str, Field(min_length=1, max_length=500), *OneLine]
TrackingNumber = Annotated[str, Field(min_length=1, max_length=200), *OneLine]
FreeText = Annotated[
    str,
    Field(max_length=500),
    AfterValidator(
        matching(FREE_TEXT, "control characters other than newlines and tabs are not allowed")
    ),
    Documented.keywords(pattern=FREE_TEXT),
]


# A one-time token that goes into a link (URL-safe base64, as identity-commerce makes them).
LINK_TOKEN = r"^[A-Za-z0-9_-]{16,128}$"
LinkToken = Annotated[str, Field(pattern=LINK_TOKEN)]


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore")


class OrderItem(EventData):
    sku: Code
    name: Name
    quantity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER]
    unit_price: ExactMoneyIn
    line_total: ExactMoneyIn


class OrderEventData(EventData):
    """Common `data` of every ORDER_* event."""

    order_id: uuid.UUID
    order_number: Code
    email: EmailAddress
    items: Annotated[list[OrderItem], Field(min_length=1, max_length=500)]
    total: ExactMoneyIn
    currency: CurrencyCode
    # Useful but not needed to write a message: tolerated when missing.
    user_id: uuid.UUID | None = None
    customer_name: Annotated[str, Field(max_length=200), *OneLine] | None = None
    phone: PhoneNumber = None
    subtotal: ExactMoneyIn | None = None
    shipping: ExactMoneyIn | None = None
    tax: ExactMoneyIn | None = None
    # A promo code's discount (subtotal - discount + shipping + tax = total) and the shipping
    # method's name; orders placed before they existed carry neither.
    discount: ExactMoneyIn | None = None
    promo_code: Annotated[str, Field(max_length=64), *OneLine] | None = None
    shipping_method: Annotated[str, Field(max_length=100), *OneLine] | None = None
    # A guest order's token: the order link carries it (the order belongs to no account).
    order_token: LinkToken | None = None


class OrderShippedData(OrderEventData):
    carrier: Name
    tracking_number: TrackingNumber
    tracking_url: TrackingLink = None


class OrderCancelledData(OrderEventData):
    reason: FreeText | None = None


class RefundedLine(EventData):
    sku: Code
    name: Name
    quantity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER]
    amount: ExactMoneyIn


class OrderRefundedData(OrderEventData):
    refund_amount: ExactMoneyIn
    # What the refund covered (partial refunds): the lines and the shipping; a refund of the
    # whole order or of an amount has no lines.
    refund_lines: Annotated[list[RefundedLine], Field(max_length=500)] = []
    refund_shipping: ExactMoneyIn | None = None
    refund_reason: FreeText | None = None
    refunded_in_full: Annotated[bool, Strict()] | None = None
    refunded_total: ExactMoneyIn | None = None


ReturnStatusName = Literal["requested", "approved", "rejected", "received"]


class ReturnedLine(EventData):
    sku: Code
    name: Name
    quantity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER]


class ReturnEventData(OrderEventData):
    """`data` of RETURN_REQUESTED, RETURN_APPROVED, RETURN_REJECTED and RETURN_RECEIVED."""

    return_id: uuid.UUID
    return_status: ReturnStatusName
    return_lines: Annotated[list[ReturnedLine], Field(min_length=1, max_length=500)]
    return_reason: FreeText | None = None
    return_note: FreeText | None = None


ClosedOrderStatus = Literal["expired", "cancelled", "payment_failed"]


class OrderLatePaymentRefundedData(OrderEventData):
    refund_amount: ExactMoneyIn
    # What the order had become before the money arrived; a wording hint, so an unknown
    # value costs only that hint.
    order_status: Annotated[
        ClosedOrderStatus | None, BeforeValidator(_known_or_none), _TOLERATED
    ] = None


class LowStockData(EventData):
    sku: Code
    product_name: Name
    available: JsonInt
    product_id: uuid.UUID | None = None
    on_hand: JsonInt | None = None
    reorder_level: JsonInt | None = None


DateTimeText = Annotated[AwareDatetime, DATE_TIME_TEXT]


class AccountLinkData(EventData):
    """`data` of PASSWORD_RESET_REQUESTED and EMAIL_VERIFICATION_REQUESTED: the email
    carries a link with `token` to the shop's page for it."""

    user_id: uuid.UUID
    email: EmailAddress
    token: LinkToken
    customer_name: Annotated[str, Field(max_length=200), *OneLine] | None = None
    expires_at: DateTimeText | None = None


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
    EventType.RETURN_REQUESTED: ReturnEventData,
    EventType.RETURN_APPROVED: ReturnEventData,
    EventType.RETURN_REJECTED: ReturnEventData,
    EventType.RETURN_RECEIVED: ReturnEventData,
    EventType.LOW_STOCK: LowStockData,
    EventType.PASSWORD_RESET_REQUESTED: AccountLinkData,
    EventType.EMAIL_VERIFICATION_REQUESTED: AccountLinkData,
}


SourceName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]


class InboundEnvelope(BaseModel):
    """The envelope as received: every field required (no generated event id here, or a
    redelivery would look like a new event)."""

    model_config = ConfigDict(extra="ignore")

    event_id: uuid.UUID
    type: Annotated[str, Field(min_length=1, max_length=64)]
    version: Annotated[int, Field(ge=1), JSON_INTEGER]
    occurred_at: DateTimeText
    source: SourceName
    data: dict[str, Any]


class ValidEvent(BaseModel):
    """An envelope whose type is known and whose data passed that type's model."""

    event_id: uuid.UUID
    type: EventType
    version: int
    occurred_at: AwareDatetime
    source: str
    data: EventData


def envelope_json_schema() -> dict[str, Any]:
    """The body `POST /notify` accepts, as JSON Schema: an envelope per event type with that
    type's `data`, every supported version; references inlined, so it can sit in an OpenAPI
    document as it is."""
    envelopes = [
        create_model(
            f"{event_type.value.title().replace('_', '')}Envelope",
            __config__=ConfigDict(extra="allow"),
            event_id=(uuid.UUID, ...),
            type=(cast(Any, Literal[event_type.value]), ...),
            version=(cast(Any, Literal[tuple(sorted(SUPPORTED_VERSIONS))]), ...),
            occurred_at=(AwareDatetime, ...),
            source=(SourceName, ...),
            data=(model, ...),
        )
        for event_type, model in DATA_MODELS.items()
    ]
    union: Any = Annotated[Union[tuple(envelopes)], Field(discriminator="type")]  # noqa: UP007
    schema = TypeAdapter(union).json_schema()
    return _inline(schema, schema.pop("$defs", {}))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {
            key: _inline(value, defs)
            for key, value in node.items()
            # titles are noise here; the discriminator's mapping points into `$defs`
            if not (key == "title" and isinstance(value, str)) and key != "discriminator"
        }
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node
