"""Write the messages for an event: who gets what, from the Jinja templates in templates/.

Every order event emails the customer (text + HTML); most also send a short SMS when the
order has a phone number (not ORDER_PLACED: the payment outcome follows within seconds).
LOW_STOCK emails each admin address from settings. PASSWORD_RESET_REQUESTED and
EMAIL_VERIFICATION_REQUESTED email the account a one-time link; the sent log keeps that
email without the link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from shopkit.events import EventType

from notifications.clients.base import OutgoingEmail, OutgoingMessage, OutgoingSms
from notifications.core.config import Settings
from notifications.schemas.events import (
    AccountLinkData,
    LowStockData,
    OrderEventData,
    OrderShippedData,
    ValidEvent,
)

log = logging.getLogger("notifications.messages")


@dataclass(frozen=True)
class MessageSpec:
    subject: str  # a Jinja expression template, rendered with the event's fields
    headline: str
    sms: bool


SPECS: dict[EventType, MessageSpec] = {
    EventType.ORDER_PLACED: MessageSpec(
        "We received your order {{ order_number }}", "Thanks for your order", sms=False
    ),
    EventType.ORDER_PAID: MessageSpec(
        "Order {{ order_number }} confirmed: payment received", "Your order is confirmed", sms=True
    ),
    EventType.ORDER_PAYMENT_FAILED: MessageSpec(
        "Payment for order {{ order_number }} did not go through", "Payment failed", sms=True
    ),
    EventType.ORDER_SHIPPED: MessageSpec(
        "Order {{ order_number }} is on its way", "Your order has shipped", sms=True
    ),
    EventType.ORDER_DELIVERED: MessageSpec(
        "Order {{ order_number }} was delivered", "Your order was delivered", sms=True
    ),
    EventType.ORDER_CANCELLED: MessageSpec(
        "Order {{ order_number }} was cancelled", "Your order was cancelled", sms=True
    ),
    EventType.ORDER_REFUNDED: MessageSpec(
        "Refund of {{ refund_amount | money(currency) }} for order {{ order_number }}",
        "Your refund is on its way",
        sms=True,
    ),
    EventType.ORDER_EXPIRED: MessageSpec(
        "Order {{ order_number }} expired: payment not received", "Your order expired", sms=True
    ),
    EventType.ORDER_LATE_PAYMENT_REFUNDED: MessageSpec(
        "Your payment for order {{ order_number }} was refunded",
        "Your payment was refunded",
        sms=True,
    ),
    EventType.RETURN_REQUESTED: MessageSpec(
        "We received your return request for order {{ order_number }}",
        "Your return request",
        sms=False,
    ),
    EventType.RETURN_APPROVED: MessageSpec(
        "Your return for order {{ order_number }} was approved",
        "Your return was approved",
        sms=True,
    ),
    EventType.RETURN_REJECTED: MessageSpec(
        "Your return for order {{ order_number }} was not accepted",
        "Your return was not accepted",
        sms=True,
    ),
    EventType.RETURN_RECEIVED: MessageSpec(
        "We received your returned items for order {{ order_number }}",
        "Your return arrived",
        sms=True,
    ),
    EventType.LOW_STOCK: MessageSpec(
        "Low stock: {{ product_name }} ({{ sku }}), {{ available }} left",
        "Low stock",
        sms=False,
    ),
    EventType.PASSWORD_RESET_REQUESTED: MessageSpec(
        "Reset your {{ shop_name }} password", "Reset your password", sms=False
    ),
    EventType.EMAIL_VERIFICATION_REQUESTED: MessageSpec(
        "Confirm your email for {{ shop_name }}", "Confirm your email address", sms=False
    ),
}

# The page of the shop each account link opens.
LINK_PAGES = {
    EventType.PASSWORD_RESET_REQUESTED: "reset-password",
    EventType.EMAIL_VERIFICATION_REQUESTED: "verify-email",
}
REDACTED = "[link removed from the log]"


def format_money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a typo in a template fails the test, not a customer
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = format_money
    return env


ENVIRONMENT = _environment()


MAX_SUBJECT_LENGTH = 200


def _one_line(text: str) -> str:
    # Subjects and SMS are single lines; collapsing whitespace also keeps any newline that
    # slipped into a value out of an email header.
    return " ".join(text.split())


def _subject(text: str) -> str:
    line = _one_line(text)
    if len(line) <= MAX_SUBJECT_LENGTH:
        return line
    return line[: MAX_SUBJECT_LENGTH - 1].rstrip() + "…"


def _context(event: ValidEvent, settings: Settings) -> dict[str, Any]:
    shop_url = settings.shop_url.rstrip("/")
    context: dict[str, Any] = {
        **{name: getattr(event.data, name) for name in type(event.data).model_fields},
        "shop_name": settings.shop_name,
        "event_type": event.type.value,
    }
    if isinstance(event.data, OrderEventData):
        context["order_url"] = f"{shop_url}/orders/{event.data.order_id}"
        if event.data.order_token:
            context["order_url"] += f"?token={event.data.order_token}"
    if isinstance(event.data, AccountLinkData):
        context["action_url"] = f"{shop_url}/{LINK_PAGES[event.type]}?token={event.data.token}"
    if isinstance(event.data, OrderShippedData):
        # The carrier's page when the event has one, else the order page (shows tracking).
        context["tracking_link"] = event.data.tracking_url or context["order_url"]
    if isinstance(event.data, LowStockData):
        context["admin_url"] = f"{shop_url}/admin/inventory?sku={event.data.sku}"
    return context


def render_messages(event: ValidEvent, settings: Settings) -> list[OutgoingMessage]:
    spec = SPECS[event.type]
    context = _context(event, settings)
    subject = _subject(ENVIRONMENT.from_string(spec.subject).render(context))
    context.update(subject=subject, headline=spec.headline)
    name = event.type.value.lower()
    text = ENVIRONMENT.get_template(f"email/{name}.txt").render(context)
    html = ENVIRONMENT.get_template(f"email/{name}.html").render(context)

    logged_text = text
    if isinstance(event.data, LowStockData):
        recipients = settings.admin_emails
        if not recipients:
            log.warning("LOW_STOCK for %s but NOTIFY_ADMIN_EMAILS is empty", event.data.sku)
    elif isinstance(event.data, AccountLinkData):
        recipients = [event.data.email]
        # The link is a credential: the sent log (read by admins) keeps the text without it.
        logged_text = text.replace(event.data.token, REDACTED)
    else:
        assert isinstance(event.data, OrderEventData)
        recipients = [event.data.email]

    messages: list[OutgoingMessage] = [
        OutgoingEmail(
            to=address,
            subject=subject,
            text=text,
            html=html,
            event_id=event.event_id,
            event_type=event.type.value,
            logged_text=logged_text,
        )
        for address in recipients
    ]
    sms_wanted = spec.sms and settings.sms_provider != "off"
    if sms_wanted and isinstance(event.data, OrderEventData) and event.data.phone:
        sms_text = ENVIRONMENT.get_template(f"sms/{name}.txt").render(context)
        messages.append(
            OutgoingSms(
                to=event.data.phone,
                text=_one_line(sms_text),
                event_id=event.event_id,
                event_type=event.type.value,
            )
        )
    return messages
