"""/payments/webhook: Stripe's events, signature checked with STRIPE_WEBHOOK_SECRET."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from shopkit.db import SessionDep
from shopkit.errors import BadRequest, ProblemError, ServiceUnavailable, error_responses
from shopkit.metrics import count_on_commit

from identity_commerce.api.deps import CatalogDep, FollowUpClientsDep, StripeDep
from identity_commerce.api.responses import STRIPE_REFUSED
from identity_commerce.core.metrics import STRIPE_WEBHOOK_EVENTS, webhook_type_label
from identity_commerce.schemas.orders import WebhookAck
from identity_commerce.services.order_followups import finish_after_commit
from identity_commerce.services.payments import handle_stripe_event

router = APIRouter(prefix="/payments", tags=["payments"])


@router.post(
    "/webhook",
    response_model=WebhookAck,
    summary="Stripe webhook (payment_intent.succeeded, payment_intent.payment_failed, "
    "charge.refunded)",
    description=(
        "No bearer token: the `Stripe-Signature` header (HMAC of the raw body with the "
        "endpoint secret, within the timestamp tolerance) is the authentication. "
        "Replays of an event id answer `duplicate` and change nothing; an event older than "
        "what is recorded (a `payment_failed` after `succeeded`) is recorded and answers "
        "`ignored`. A full `charge.refunded` of a paid order makes it `refunded` and puts "
        "back stock that was never shipped, once."
    ),
    responses=error_responses(
        BadRequest.documented("Missing or invalid Stripe-Signature, or not a Stripe event"),
        ServiceUnavailable.documented(
            "catalog-fulfillment is down; Stripe will deliver the event again"
        ),
        STRIPE_REFUSED,
    ),
)
async def stripe_webhook(
    request: Request,
    session: SessionDep,
    inventory: CatalogDep,
    stripe: StripeDep,
    followups: FollowUpClientsDep,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> WebhookAck:
    try:
        event = stripe.verify_webhook(await request.body(), stripe_signature)
    except ProblemError:
        STRIPE_WEBHOOK_EVENTS.labels(type="other", result="rejected").inc()
        raise
    event_type = webhook_type_label(event.get("type"))
    try:
        handled = await handle_stripe_event(
            session, event=event, inventory=inventory, stripe=stripe
        )
    except Exception:
        STRIPE_WEBHOOK_EVENTS.labels(type=event_type, result="error").inc()
        raise
    count_on_commit(session, STRIPE_WEBHOOK_EVENTS, type=event_type, result=handled.outcome)
    if handled.refunded_order_id is not None:
        await finish_after_commit(session, order_id=handled.refunded_order_id, clients=followups)
    return WebhookAck(outcome=handled.outcome)
