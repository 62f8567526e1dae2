"""Checkout when something is down or late, across real processes: catalog-fulfillment
stopped, localstripe stopped, an order left unpaid past its stock hold."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .shop import Shop, Shopper, pay_directly_at_stripe, wait_until, webhooks_captured


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def orders_of(shop: Shop, user_id: str) -> list[tuple[str, str]]:
    return [
        (str(r[0]), r[1])
        for r in shop.identity_rows(
            "SELECT id, status FROM orders WHERE user_id = %s", uuid.UUID(user_id)
        )
    ]


def test_catalog_down_during_create_is_503_and_nothing_is_pending(shop: Shop) -> None:
    item = sku("CATD")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 2))
    shop.catalog.stop()
    try:
        down = shop.create_intent(shopper)
        assert down.status_code == 503, down.text
        assert down.headers["Retry-After"]
        assert "catalog" in down.json()["detail"]
        assert orders_of(shop, shopper.user_id) == []
    finally:
        shop.catalog.start()
    assert shop.stock(item)["reserved"] == 0
    assert len(shop.cart(shopper)["items"]) == 1
    assert shop.create_intent(shopper).status_code == 201  # works again once it is back


def test_catalog_down_while_confirming_then_the_retry_converges(shop: Shop) -> None:
    item = sku("CATC")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    shop.catalog.stop()
    try:
        down = shop.confirm(shopper, created["order_id"], "pm_card_visa")
        assert down.status_code == 503, down.text
        assert shop.order(shopper, created["order_id"])["status"] == "pending_payment"
    finally:
        shop.catalog.start()
    # The card was charged; the retry (the same call again) finds the intent paid.
    again = shop.confirm(shopper, created["order_id"], "pm_card_visa")
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "paid"
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (4, 0)


def test_stripe_down_is_503_the_stock_is_released_and_the_order_cancelled(shop: Shop) -> None:
    item = sku("STRD")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 2))
    shop.localstripe.stop()
    try:
        down = shop.create_intent(shopper)
        assert down.status_code == 503, down.text
        assert down.headers["Retry-After"]
        assert "payment provider" in down.json()["detail"]
        assert shop.stock(item)["reserved"] == 0
        assert [status for _, status in orders_of(shop, shopper.user_id)] == ["cancelled"]
        assert len(shop.cart(shopper)["items"]) == 1
    finally:
        shop.localstripe.start()
        shop.register_webhook()  # localstripe forgets webhooks (and everything) on restart
    retried = shop.create_intent(shopper, **{"Idempotency-Key": f"k-{uuid.uuid4()}"})
    assert retried.status_code == 201, retried.text


def test_ttl_unpaid_order_expires_and_a_paid_but_unreported_one_is_settled(shop: Shop) -> None:
    item, paid_item = sku("TTL"), sku("TTLP")
    shop.new_product((item, "20.00", 5), (paid_item, "20.00", 5))
    unpaid, browser_payer = shop.new_shopper((item, 2)), shop.new_shopper((paid_item, 1))
    # A second identity process on the same database with a short hold.
    quick = shop.start_identity("identity-short-ttl", RESERVATION_TTL_SECONDS="5")
    shop.extra.append(quick)

    def create(shopper: Shopper) -> dict[str, Any]:
        created = httpx.post(
            f"{quick.url}/checkout/create-payment-intent",
            json={
                "shipping_address_id": shopper.shipping_address_id,
                "billing_address_id": shopper.billing_address_id,
            },
            headers=shopper.headers,
        )
        assert created.status_code == 201, created.text
        return created.json()

    abandoned, paid = create(unpaid), create(browser_payer)
    assert shop.stock(item)["reserved"] == 2
    # The second shopper pays in the browser, but neither the confirm call nor the webhook
    # ever reaches the shop.
    with webhooks_captured(shop) as deliveries:
        pay_directly_at_stripe(shop, paid["payment_intent_id"])
        succeeded_event_captured(deliveries, paid["payment_intent_id"])

    expired = wait_until(
        lambda: (o := shop.order(unpaid, abandoned["order_id"]))["status"] == "expired" and o,
        timeout=20,
    )
    assert expired["timeline"][-1]["status"] == "expired"
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (5, 0)
    intent = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{abandoned['payment_intent_id']}",
        auth=("sk_test_x", ""),
    )
    assert intent.json()["status"] == "canceled"
    assert shop.confirm(unpaid, abandoned["order_id"], "pm_card_visa").status_code == 409
    rows = shop.identity_rows(
        "SELECT event_type FROM outbox WHERE aggregate_id = %s ORDER BY seq", abandoned["order_id"]
    )
    assert [r[0] for r in rows] == ["ORDER_PLACED", "ORDER_EXPIRED"]

    # The sweeper asked Stripe before giving up and found the other order paid.
    settled = wait_until(
        lambda: (
            (o := shop.order(browser_payer, paid["order_id"]))["status"] != "pending_payment" and o
        ),
        timeout=20,
    )
    assert settled["status"] == "paid"
    assert (shop.stock(paid_item)["on_hand"], shop.stock(paid_item)["reserved"]) == (4, 0)
    quick.stop()


def succeeded_event_captured(deliveries: list[tuple[bytes, str]], payment_intent_id: str) -> None:
    """Wait until localstripe's (asynchronous) succeeded webhook reached the recorder, so it
    cannot reach the shop after the recorder is taken away."""
    wanted = payment_intent_id.encode()
    wait_until(
        lambda: [b for b, _ in deliveries if wanted in b and b"payment_intent.succeeded" in b]
    )


def test_payment_arriving_after_the_stock_hold_was_lost_is_refunded(shop: Shop) -> None:
    item = sku("LATE")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    with webhooks_captured(shop) as deliveries:
        pay_directly_at_stripe(shop, created["payment_intent_id"])
        succeeded_event_captured(deliveries, created["payment_intent_id"])
    # The catalog let the hold go (as its own expiry would) before the shop heard of the money.
    released = httpx.post(
        f"{shop.catalog.url}/inventory/release",
        json={"reservation_id": created["order_id"]},
        headers=shop.service_headers(),
    )
    assert released.status_code == 200, released.text

    answer = shop.confirm(shopper, created["order_id"])
    assert answer.status_code == 200, answer.text
    order = answer.json()
    assert order["status"] == "cancelled"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_amount"] == order["total"]
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (5, 0)
    assert len(shop.cart(shopper)["items"]) == 1  # nothing was bought
    rows = shop.identity_rows(
        "SELECT event_type FROM outbox WHERE aggregate_id = %s ORDER BY seq", created["order_id"]
    )
    assert [r[0] for r in rows] == ["ORDER_PLACED", "ORDER_CANCELLED"]


def test_an_order_whose_payment_intent_vanished_still_expires(shop: Shop) -> None:
    """A restarted localstripe forgets every PaymentIntent; the sweeper must not get stuck."""
    item = sku("GONE")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 1))
    quick = shop.start_identity("identity-short-ttl-2", RESERVATION_TTL_SECONDS="5")
    shop.extra.append(quick)
    created = httpx.post(
        f"{quick.url}/checkout/create-payment-intent",
        json={
            "shipping_address_id": shopper.shipping_address_id,
            "billing_address_id": shopper.billing_address_id,
        },
        headers=shopper.headers,
    )
    assert created.status_code == 201, created.text
    shop.localstripe.stop()
    shop.localstripe.start()
    shop.register_webhook()
    expired = wait_until(
        lambda: (o := shop.order(shopper, created.json()["order_id"]))["status"] == "expired" and o,
        timeout=20,
    )
    assert expired["payment"]["status"] == "canceled"
    assert shop.stock(item)["reserved"] == 0
    # Reading the vanished intent is a clear 502, not a 500.
    other = shop.new_shopper((item, 1))
    pending = shop.create_intent(other).json()
    shop.localstripe.stop()
    shop.localstripe.start()
    shop.register_webhook()
    assert shop.confirm(other, pending["order_id"]).status_code == 502
    quick.stop()
