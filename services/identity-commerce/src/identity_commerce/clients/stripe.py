"""Stripe through its official SDK (async, httpx transport) with a configurable API base.

Production talks to https://api.stripe.com. Dev, tests and demos talk to localstripe, which
does not know Stripe's magic test payment method ids on confirm; for those API bases only,
`TEST_CARDS` turns `pm_card_visa` and friends into real localstripe PaymentMethods made from
the matching test card numbers (docs/adr/0011-checkout-stripe-sdk-and-test-cards.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import stripe
from shopkit.errors import BadRequest, ProblemError, ServiceUnavailable

from identity_commerce.core.config import STRIPE_PRODUCTION_API_BASE, Settings

log = logging.getLogger("identity_commerce.stripe")

# Stripe's test payment method ids -> the test card localstripe treats the same way.
# localstripe declines a *charge* only for 4000000000000341 (its 0002 card declines on attach),
# so that card stands in for Stripe's pm_card_visa_chargeDeclined.
TEST_CARDS: dict[str, str] = {
    "pm_card_visa": "4242424242424242",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_visa_chargeDeclined": "4000000000000341",
    "pm_card_chargeDeclined": "4000000000000341",
    "pm_card_chargeCustomerFail": "4000000000000341",
    "pm_card_authenticationRequired": "4000002500003155",
    "pm_card_threeDSecure2Required": "4000002760003184",
}


class PaymentProviderUnavailable(ServiceUnavailable):
    """Stripe did not answer or answered with a server error."""

    def __init__(self, reason: str) -> None:
        super().__init__("The payment provider is unavailable; try again shortly", retry_after=5)
        self.reason = reason


class PaymentDeclined(Exception):
    def __init__(self, message: str, code: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PaymentMethodRejected(BadRequest):
    """Stripe refused the payment method id itself (unknown, malformed)."""


@dataclass(frozen=True)
class PaymentIntentState:
    id: str
    status: str  # requires_payment_method | requires_confirmation | requires_action |
    # processing | requires_capture | succeeded | canceled
    amount: int
    currency: str
    client_secret: str | None
    metadata: dict[str, str]
    failure_message: str | None = None
    failure_code: str | None = None

    @classmethod
    def from_stripe(cls, pi: Any) -> PaymentIntentState:
        error = pi.get("last_payment_error") or {}
        return cls(
            id=pi["id"],
            status=pi["status"],
            amount=int(pi["amount"]),
            currency=str(pi["currency"]).upper(),
            client_secret=pi.get("client_secret"),
            metadata=dict(pi.get("metadata") or {}),
            failure_message=error.get("message"),
            failure_code=error.get("code"),
        )


@dataclass(frozen=True)
class RefundState:
    id: str
    status: str
    amount: int


def _is_stripe_outage(exc: stripe.StripeError) -> bool:
    status = exc.http_status or 0
    return isinstance(exc, stripe.APIConnectionError) or status >= 500 or status == 429


class StripeGateway:
    """The few PaymentIntent operations the shop needs, with Stripe errors translated."""

    def __init__(
        self,
        *,
        secret_key: str,
        api_base: str,
        webhook_secret: str,
        webhook_tolerance_seconds: int = 300,
        timeout_seconds: float = 10.0,
        max_network_retries: int = 2,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.webhook_secret = webhook_secret
        self.webhook_tolerance_seconds = webhook_tolerance_seconds
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": self.api_base},
            http_client=stripe.HTTPXClient(timeout=timeout_seconds),
            max_network_retries=max_network_retries,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> StripeGateway:
        return cls(
            secret_key=settings.stripe_secret_key,
            api_base=settings.stripe_api_base,
            webhook_secret=settings.stripe_webhook_secret,
            webhook_tolerance_seconds=settings.stripe_webhook_tolerance_seconds,
            timeout_seconds=settings.stripe_timeout_seconds,
            max_network_retries=settings.stripe_max_network_retries,
        )

    @property
    def is_stand_in(self) -> bool:
        return self.api_base != STRIPE_PRODUCTION_API_BASE

    # --- PaymentIntents -----------------------------------------------------------------
    async def create_payment_intent(
        self, *, amount_minor: int, currency: str, order_id: str, order_number: str | None = None
    ) -> PaymentIntentState:
        # The idempotency key comes from the order id: a retried create returns the same intent.
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "metadata": {"order_id": order_id},
        }
        if order_number:
            params["metadata"]["order_number"] = order_number
        pi = await self._call(
            self.client.v1.payment_intents.create_async,
            params=params,
            options={"idempotency_key": f"order-{order_id}-payment-intent"},
        )
        return PaymentIntentState.from_stripe(pi)

    async def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentState:
        pi = await self._call(self.client.v1.payment_intents.retrieve_async, payment_intent_id)
        return PaymentIntentState.from_stripe(pi)

    async def confirm_payment_intent(
        self, payment_intent_id: str, *, payment_method_id: str
    ) -> PaymentIntentState:
        """Confirm server-side; a declined card raises PaymentDeclined (the intent then asks
        for another payment method); 3-D Secure cards come back as `requires_action`."""
        try:
            if self.is_stand_in:
                pi = await self._confirm_on_stand_in(payment_intent_id, payment_method_id)
            else:
                pi = await self._call(
                    self.client.v1.payment_intents.confirm_async,
                    payment_intent_id,
                    params={"payment_method": payment_method_id},
                )
        except stripe.CardError as exc:
            raise PaymentDeclined(exc.user_message or "Your card was declined.", exc.code) from exc
        except StripeRequestRefused as exc:
            raise PaymentMethodRejected(f"The payment method was refused: {exc.message}") from exc
        return PaymentIntentState.from_stripe(pi)

    async def _confirm_on_stand_in(
        self, payment_intent_id: str, payment_method_id: str
    ) -> dict[str, Any]:
        # localstripe answers "Not implemented" to confirm(payment_method=...), so the method
        # is set on the intent first (also valid on real Stripe), then the intent confirmed.
        card_number = TEST_CARDS.get(payment_method_id)
        if card_number is not None:
            method = await self._call(
                self.client.v1.payment_methods.create_async,
                params={
                    "type": "card",
                    "card": {
                        "number": card_number,
                        "exp_month": 12,
                        "exp_year": 2034,
                        "cvc": "123",
                    },
                },
            )
            payment_method_id = method["id"]
        await self._call(
            self.client.v1.payment_intents.update_async,
            payment_intent_id,
            params={"payment_method": payment_method_id},
        )
        return await self._call(self.client.v1.payment_intents.confirm_async, payment_intent_id)

    async def cancel_payment_intent(self, payment_intent_id: str) -> PaymentIntentState:
        """Cancel unless the intent already finished; returns its state either way. An
        intent Stripe does not know (a stand-in restarted with an empty store) can never be
        paid, so it counts as cancelled."""
        try:
            current = await self.retrieve_payment_intent(payment_intent_id)
        except StripeRequestRefused as exc:
            if exc.http_status != 404:
                raise
            log.warning(
                "payment intent %s is unknown to Stripe; treated as canceled", payment_intent_id
            )
            return PaymentIntentState(
                id=payment_intent_id,
                status="canceled",
                amount=0,
                currency="",
                client_secret=None,
                metadata={},
            )
        if current.status in ("canceled", "succeeded", "processing"):
            return current
        pi = await self._call(self.client.v1.payment_intents.cancel_async, payment_intent_id)
        return PaymentIntentState.from_stripe(pi)

    async def refund(
        self, *, payment_intent_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundState:
        refund = await self._call(
            self.client.v1.refunds.create_async,
            params={"payment_intent": payment_intent_id, "amount": amount_minor},
            options={"idempotency_key": idempotency_key},
        )
        return RefundState(id=refund["id"], status=refund["status"], amount=int(refund["amount"]))

    # --- webhooks -------------------------------------------------------------------------
    def verify_webhook(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """The event when the Stripe-Signature header matches STRIPE_WEBHOOK_SECRET within the
        timestamp tolerance; 400 otherwise."""
        if not signature:
            raise BadRequest("Missing Stripe-Signature header")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self.webhook_secret, tolerance=self.webhook_tolerance_seconds
            )
        except stripe.SignatureVerificationError as exc:
            raise BadRequest("Invalid Stripe signature") from exc
        except ValueError as exc:
            raise BadRequest("Webhook body is not a Stripe event") from exc
        return event.to_dict()

    # --- errors ---------------------------------------------------------------------------
    async def _call(self, method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            result = await method(*args, **kwargs)
            return result.to_dict()  # plain nested dicts: StripeObject is not a dict
        except stripe.CardError:
            raise
        except stripe.StripeError as exc:
            if _is_stripe_outage(exc):
                log.warning("stripe unavailable: %s", exc.__class__.__name__)
                raise PaymentProviderUnavailable(repr(exc)) from exc
            log.warning("stripe refused a request: %s %s", exc.http_status, exc.user_message)
            raise StripeRequestRefused(exc.user_message or str(exc), exc.http_status) from exc


class StripeRequestRefused(ProblemError):
    """Stripe answered 4xx to a request the shop built (unknown id, wrong state, bad key):
    502 to the caller, whose input was fine."""

    status_code = 502

    def __init__(self, message: str, http_status: int | None) -> None:
        super().__init__(f"The payment provider refused the request: {message}")
        self.message = message
        self.http_status = http_status
