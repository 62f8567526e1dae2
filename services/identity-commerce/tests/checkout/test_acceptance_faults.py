"""Checkout when something is down or late, across real processes: catalog-fulfillment
stopped, localstripe stopped, an order left unpaid past its stock hold."""

from __future__ import annotations

import uuid

import httpx

from .stack import Stack, wait_until


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def orders_of(shop: Stack, user_id: str) -> list[tuple[str, str]]:
    return [
        (str(r[0]), r[1])
        for r in shop.identity_rows(
            "SELECT id, status FROM orders WHERE user_id = %s", uuid.UUID(user_id)
        )
    ]


def test_catalog_down_during_create_is_503_and_nothing_is_pending(shop: Stack) -> None:
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


def test_catalog_down_while_confirming_then_the_retry_converges(shop: Stack) -> None:
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


def test_stripe_down_is_503_the_stock_is_released_and_the_order_cancelled(shop: Stack) -> None:
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


def test_unpaid_order_expires_after_its_ttl_and_the_stock_comes_back(shop: Stack) -> None:
    item = sku("TTL")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 2))
    # A second identity process on the same database with a short hold.
    quick = shop.start_identity("identity-short-ttl", RESERVATION_TTL_SECONDS="5")
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
    order_id = created.json()["order_id"]
    assert shop.stock(item)["reserved"] == 2

    expired = wait_until(
        lambda: (
            shop.order(shopper, order_id)["status"] == "expired" and shop.order(shopper, order_id)
        ),
        timeout=20,
    )
    assert expired["timeline"][-1]["status"] == "expired"
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (5, 0)
    intent = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{created.json()['payment_intent_id']}",
        auth=("sk_test_x", ""),
    )
    assert intent.json()["status"] == "canceled"
    assert shop.confirm(shopper, order_id, "pm_card_visa").status_code == 409
    rows = shop.identity_rows(
        "SELECT event_type FROM outbox WHERE aggregate_id = %s ORDER BY seq", order_id
    )
    assert [r[0] for r in rows] == ["ORDER_PLACED", "ORDER_EXPIRED"]
    quick.stop()
