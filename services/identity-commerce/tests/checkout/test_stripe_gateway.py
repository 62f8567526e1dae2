"""The Stripe client against a real localstripe process (no mocks)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest
from identity_commerce.clients.stripe import (
    PaymentDeclined,
    PaymentMethodRejected,
    PaymentProviderUnavailable,
    StripeGateway,
    StripeRequestRefused,
)
from shopkit.errors import BadRequest
from shopkit.testing import LiveService, free_port

SECRET = "whsec_test_gateway"


def gateway_for(base_url: str) -> StripeGateway:
    return StripeGateway(
        secret_key="sk_test_gateway",
        api_base=base_url,
        webhook_secret=SECRET,
        webhook_tolerance_seconds=300,
        timeout_seconds=5,
        max_network_retries=0,
    )


@pytest.fixture
def gateway(localstripe: LiveService) -> StripeGateway:
    return gateway_for(localstripe.url)


def sign(payload: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"%d.%s" % (ts, payload), hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


async def new_intent(gateway: StripeGateway, amount: int = 1999) -> str:
    pi = await gateway.create_payment_intent(
        amount_minor=amount, currency="USD", order_id=str(uuid.uuid4())
    )
    return pi.id


async def test_create_payment_intent_carries_amount_and_order(gateway: StripeGateway) -> None:
    order_id = str(uuid.uuid4())
    pi = await gateway.create_payment_intent(
        amount_minor=107892, currency="USD", order_id=order_id, order_number="SO-2026-000001"
    )
    assert pi.id.startswith("pi_")
    assert pi.amount == 107892
    assert pi.currency == "USD"
    assert pi.status == "requires_payment_method"
    assert pi.client_secret and pi.client_secret.startswith(pi.id)
    assert pi.metadata == {"order_id": order_id, "order_number": "SO-2026-000001"}


async def test_test_visa_card_succeeds(gateway: StripeGateway) -> None:
    pi_id = await new_intent(gateway)
    confirmed = await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa")
    assert confirmed.status == "succeeded"
    assert (await gateway.retrieve_payment_intent(pi_id)).status == "succeeded"


async def test_declined_test_card_raises_and_intent_asks_for_another_method(
    gateway: StripeGateway,
) -> None:
    pi_id = await new_intent(gateway)
    with pytest.raises(PaymentDeclined) as declined:
        await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa_chargeDeclined")
    assert declined.value.code == "card_declined"
    after = await gateway.retrieve_payment_intent(pi_id)
    assert after.status == "requires_payment_method"
    assert after.failure_code == "card_declined"


async def payment_method_of(gateway: StripeGateway, pi_id: str) -> str:
    raw = await gateway.client.v1.payment_intents.retrieve_async(pi_id)
    return str(raw["payment_method"])


async def test_one_stand_in_card_serves_every_checkout_of_a_process(
    gateway: StripeGateway,
) -> None:
    first, second = await new_intent(gateway), await new_intent(gateway)
    for pi_id in (first, second):
        confirmed = await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa")
        assert confirmed.status == "succeeded"
    method = await payment_method_of(gateway, first)
    assert method.startswith("pm_") and method != "pm_card_visa"
    assert await payment_method_of(gateway, second) == method
    # a declining card keeps declining when its card object is reused
    for _ in range(2):
        with pytest.raises(PaymentDeclined):
            await gateway.confirm_payment_intent(
                await new_intent(gateway), payment_method_id="pm_card_chargeDeclined"
            )


async def test_a_stand_in_that_forgot_the_card_gets_it_again(gateway: StripeGateway) -> None:
    # what a localstripe restarted with an empty store looks like to a running service
    gateway._stand_in_cards["pm_card_visa"] = "pm_forgotten_by_a_restart"
    pi_id = await new_intent(gateway)
    confirmed = await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa")
    assert confirmed.status == "succeeded"
    assert await payment_method_of(gateway, pi_id) != "pm_forgotten_by_a_restart"


async def test_three_d_secure_card_needs_action(gateway: StripeGateway) -> None:
    pi_id = await new_intent(gateway)
    pi = await gateway.confirm_payment_intent(
        pi_id, payment_method_id="pm_card_threeDSecure2Required"
    )
    assert pi.status == "requires_action"


async def test_unknown_payment_method_is_a_bad_request(gateway: StripeGateway) -> None:
    pi_id = await new_intent(gateway)
    with pytest.raises(PaymentMethodRejected) as refused:
        await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_does_not_exist")
    assert refused.value.status_code == 400


async def test_cancel_is_safe_to_repeat(gateway: StripeGateway) -> None:
    pi_id = await new_intent(gateway)
    assert (await gateway.cancel_payment_intent(pi_id)).status == "canceled"
    assert (await gateway.cancel_payment_intent(pi_id)).status == "canceled"


async def test_cancel_leaves_a_succeeded_intent_alone(gateway: StripeGateway) -> None:
    pi_id = await new_intent(gateway)
    await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa")
    assert (await gateway.cancel_payment_intent(pi_id)).status == "succeeded"


async def test_refund_of_a_paid_intent(gateway: StripeGateway) -> None:
    pi_id = await new_intent(gateway, amount=5000)
    await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa")
    refund = await gateway.refund(
        payment_intent_id=pi_id, amount_minor=5000, idempotency_key=f"refund-{pi_id}"
    )
    assert refund.id.startswith("re_")
    assert refund.status == "succeeded"
    assert refund.amount == 5000


async def test_stripe_down_is_a_503_with_retry_after() -> None:
    gateway = gateway_for(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(PaymentProviderUnavailable) as down:
        await gateway.create_payment_intent(amount_minor=100, currency="USD", order_id="x")
    assert down.value.status_code == 503
    assert down.value.headers == {"Retry-After": "5"}


def test_the_stand_in_mapping_is_off_for_real_stripe() -> None:
    assert gateway_for("https://api.stripe.com").is_stand_in is False
    assert gateway_for("http://127.0.0.1:8420").is_stand_in is True


# --- webhook signatures -------------------------------------------------------------------
EVENT = json.dumps(
    {
        "id": "evt_123",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_123", "object": "payment_intent", "metadata": {}}},
    }
).encode()


def test_a_correctly_signed_event_is_accepted() -> None:
    event = gateway_for("http://127.0.0.1:1").verify_webhook(EVENT, sign(EVENT))
    assert event["id"] == "evt_123"
    assert event["data"]["object"]["id"] == "pi_123"


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("garbage", id="garbage"),
        pytest.param(sign(EVENT, secret="whsec_someone_else"), id="wrong-secret"),
        pytest.param(sign(EVENT, timestamp=int(time.time()) - 3600), id="too-old"),
        pytest.param(sign(EVENT + b" "), id="other-body"),
    ],
)
def test_bad_signatures_are_refused(signature: str | None) -> None:
    with pytest.raises(BadRequest):
        gateway_for("http://127.0.0.1:1").verify_webhook(EVENT, signature)


def test_a_signed_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(BadRequest):
        gateway_for("http://127.0.0.1:1").verify_webhook(b"not json", sign(b"not json"))


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str | None]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, self.headers.get("Stripe-Signature")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def test_webhooks_signed_by_localstripe_verify(
    gateway: StripeGateway, localstripe: LiveService
) -> None:
    """localstripe's own signing and stripe's verification agree."""
    server = HTTPServer(("127.0.0.1", free_port()), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        hook_id = uuid.uuid4().hex
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"{localstripe.url}/_config/webhooks/{hook_id}",
                data={
                    "url": f"http://127.0.0.1:{server.server_port}/hook",
                    "secret": SECRET,
                    "events[]": ["payment_intent.succeeded"],
                },
            )
        assert response.status_code == 200
        pi_id = await new_intent(gateway)
        await gateway.confirm_payment_intent(pi_id, payment_method_id="pm_card_visa")
        deadline = time.monotonic() + 10
        mine: list[dict] = []
        while time.monotonic() < deadline and not mine:
            await asyncio.sleep(0.1)
            for body, signature in list(_Receiver.received):
                event = gateway.verify_webhook(body, signature)
                if event["data"]["object"]["id"] == pi_id:
                    mine.append(event)
        assert mine and mine[0]["type"] == "payment_intent.succeeded"
    finally:
        server.shutdown()
        # Point the hook at nothing so later events are not sent to a closed port forever.
        async with httpx.AsyncClient() as http:
            await http.post(
                f"{localstripe.url}/_config/webhooks/{hook_id}",
                data={"url": "http://127.0.0.1:9/", "secret": SECRET, "events[]": ["none"]},
            )


async def test_an_intent_stripe_does_not_know_is_a_502_refusal(gateway: StripeGateway) -> None:
    with pytest.raises(StripeRequestRefused) as refused:
        await gateway.retrieve_payment_intent("pi_unknown_to_stripe")
    assert refused.value.status_code == 502
    assert refused.value.http_status == 404


async def test_cancelling_an_intent_stripe_does_not_know_counts_as_cancelled(
    gateway: StripeGateway,
) -> None:
    assert (await gateway.cancel_payment_intent("pi_unknown_to_stripe")).status == "canceled"
