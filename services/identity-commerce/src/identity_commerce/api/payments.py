"""/payments/webhook: Stripe's events, signature checked with STRIPE_WEBHOOK_SECRET."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from shopkit.db import SessionDep

from identity_commerce.clients.inventory import InventoryDep
from identity_commerce.clients.stripe import StripeDep
from identity_commerce.schemas.orders import WebhookAck
from identity_commerce.schemas.problems import problem_responses
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
        "Replays of an event id answer `duplicate` and change nothing."
    ),
    responses=problem_responses(
        400,
        503,
        502,
        e400="Missing or invalid Stripe-Signature, or not a Stripe event",
        e503="catalog-fulfillment is down; Stripe will deliver the event again",
        e502="Stripe refused the request (e.g. an unknown PaymentIntent); nothing changed",
    ),
)
async def stripe_webhook(
    request: Request,
    session: SessionDep,
    inventory: InventoryDep,
    stripe: StripeDep,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> WebhookAck:
    event = stripe.verify_webhook(await request.body(), stripe_signature)
    outcome = await handle_stripe_event(session, event=event, inventory=inventory, stripe=stripe)
    return WebhookAck(outcome=outcome)
