"""identity-commerce's own counters on `/metrics` (shopkit.metrics serves them)."""

from __future__ import annotations

from prometheus_client import Counter

# How checkouts end: paid, declined by the card issuer, refused for want of stock
# (conflict), or expired unpaid when the stock hold ran out.
CHECKOUT_OUTCOMES_LIST = ("paid", "declined", "conflict", "expired")
CHECKOUT_OUTCOMES = Counter(
    "checkout_outcomes_total",
    "Checkouts by how they ended: paid, declined, conflict (out of stock), expired",
    ["outcome"],
)

# Stripe's event types the shop acts on; any other verified type is counted as "other" so
# the label set stays small.
WEBHOOK_TYPES = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.refunded",
    "other",
)
# processed/duplicate/ignored: the webhook's answer; rejected: bad signature or not a
# Stripe event (400); error: the handling failed (Stripe delivers the event again).
WEBHOOK_RESULTS = ("processed", "duplicate", "ignored", "rejected", "error")
STRIPE_WEBHOOK_EVENTS = Counter(
    "stripe_webhook_events_total",
    "Stripe webhook deliveries by event type and result",
    ["type", "result"],
)

for _outcome in CHECKOUT_OUTCOMES_LIST:  # every series exists from the start, at 0
    CHECKOUT_OUTCOMES.labels(_outcome)
for _type in WEBHOOK_TYPES:
    for _result in WEBHOOK_RESULTS:
        STRIPE_WEBHOOK_EVENTS.labels(_type, _result)


def webhook_type_label(event_type: str | None) -> str:
    return event_type if event_type in WEBHOOK_TYPES else "other"
