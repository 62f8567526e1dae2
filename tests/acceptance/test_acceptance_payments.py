"""Payments across real processes: webhook replays and signatures, the browser (Stripe.js)
path that confirms without a payment method, and 30 buyers racing for 10 units."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx

from .shop import (
    WEBHOOK_SECRET,
    Shop,
    pay_directly_at_stripe,
    wait_until,
    webhooks_captured,
)


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def post_webhook(shop: Shop, body: bytes, signature: str) -> httpx.Response:
    return httpx.post(
        f"{shop.identity.url}/payments/webhook",
        content=body,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


def test_the_same_signed_succeeded_event_five_times_moves_the_order_once(shop: Shop) -> None:
    item = sku("HOOK")
    shop.new_product((item, "30.00", 4))
    shopper = shop.new_shopper((item, 2))
    created = shop.create_intent(shopper).json()
    order_id, pi = created["order_id"], created["payment_intent_id"]

    with webhooks_captured(shop) as deliveries:
        pay_directly_at_stripe(shop, pi)
        wait_until(lambda: [d for d in deliveries if pi.encode() in d[0]])
    body, signature = next(d for d in deliveries if pi.encode() in d[0])
    assert json.loads(body)["type"] == "payment_intent.succeeded"
    assert shop.order(shopper, order_id)["status"] == "pending_payment"  # nothing arrived yet

    # A tampered signature is refused and changes nothing.
    forged = signature.replace("v1=", "v1=0")
    assert post_webhook(shop, body, forged).status_code == 400
    assert post_webhook(shop, body, "t=1,v1=deadbeef").status_code == 400
    assert shop.order(shopper, order_id)["status"] == "pending_payment"
    assert shop.stock(item)["reserved"] == 2

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda _: post_webhook(shop, body, signature), range(5)))
    assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]
    assert sorted(a.json()["outcome"] for a in answers) == ["duplicate"] * 4 + ["processed"]

    order = shop.order(shopper, order_id)
    assert order["status"] == "paid"
    assert [t["status"] for t in order["timeline"]] == ["pending_payment", "paid"]
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (2, 0)
    assert shop.cart(shopper)["items"] == []
    outbox = shop.identity_rows(
        "SELECT event_type FROM outbox WHERE aggregate_id = %s ORDER BY seq", order_id
    )
    assert [row[0] for row in outbox] == ["ORDER_PLACED", "ORDER_PAID"]
    assert len(wait_until(lambda: shop.sent("ORDER_PAID", shopper.email))) == 1
    # The customer's own confirm afterwards is a no-op too.
    late = shop.confirm(shopper, order_id)
    assert late.status_code == 200 and late.json()["status"] == "paid"


def test_browser_path_three_d_secure_then_confirm_without_payment_method(shop: Shop) -> None:
    item = sku("3DS")
    shop.new_product((item, "120.00", 2))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()

    waiting = shop.confirm(shopper, created["order_id"], "pm_card_threeDSecure2Required")
    assert waiting.status_code == 200, waiting.text
    assert waiting.json()["status"] == "pending_payment"
    assert waiting.json()["payment"]["status"] == "requires_action"
    assert waiting.json()["payment"]["client_secret"] == created["client_secret"]

    # Stripe.js (localstripe's stand-in) completes the authentication in the browser ...
    authenticated = httpx.post(
        f"{shop.localstripe.url}/v1/payment_intents/{created['payment_intent_id']}"
        "/_authenticate?success=true",
        content=json.dumps({"key": "pk_test_dev_shop", "client_secret": created["client_secret"]}),
    )
    assert authenticated.json()["status"] == "succeeded", authenticated.text
    # ... and the browser then asks the shop to look.
    paid = shop.confirm(shopper, created["order_id"])
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    assert paid.json()["payment"]["client_secret"] is None
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (1, 0)


def test_browser_path_failed_authentication_is_402(shop: Shop) -> None:
    item = sku("3DSF")
    shop.new_product((item, "15.00", 2))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    shop.confirm(shopper, created["order_id"], "pm_card_threeDSecure2Required")
    httpx.post(
        f"{shop.localstripe.url}/v1/payment_intents/{created['payment_intent_id']}"
        "/_authenticate?success=false",
        content=json.dumps({"key": "pk_test_dev_shop", "client_secret": created["client_secret"]}),
    )
    failed = shop.confirm(shopper, created["order_id"])
    assert failed.status_code == 402, failed.text
    assert shop.order(shopper, created["order_id"])["status"] == "payment_failed"
    assert shop.stock(item)["reserved"] == 0


def test_confirm_before_paying_in_the_browser_keeps_waiting(shop: Shop) -> None:
    item = sku("WAIT")
    shop.new_product((item, "15.00", 2))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    waiting = shop.confirm(shopper, created["order_id"])
    assert waiting.status_code == 200
    assert waiting.json()["status"] == "pending_payment"
    assert waiting.json()["payment"]["status"] == "requires_payment_method"
    assert shop.stock(item)["reserved"] == 1


def test_race_thirty_buyers_ten_units(shop: Shop) -> None:
    item = sku("RACE")
    shop.new_product((item, "50.00", 10))
    shoppers = [shop.new_shopper((item, 1)) for _ in range(30)]

    barrier = threading.Barrier(30)

    def checkout(shopper):  # type: ignore[no-untyped-def]
        barrier.wait()
        return shop.create_intent(shopper)

    with ThreadPoolExecutor(max_workers=30) as pool:
        created = list(pool.map(checkout, shoppers))
    statuses = sorted(r.status_code for r in created)
    assert statuses == [201] * 10 + [409] * 20, [r.text for r in created if r.status_code >= 500]
    for refused in (r for r in created if r.status_code == 409):
        assert refused.json()["shortages"][0]["sku"] == item
    assert shop.stock(item)["reserved"] == 10

    winners = [
        (s, r.json()["order_id"])
        for s, r in zip(shoppers, created, strict=True)
        if r.status_code == 201
    ]
    with ThreadPoolExecutor(max_workers=10) as pool:
        confirmed = list(pool.map(lambda w: shop.confirm(w[0], w[1], "pm_card_visa"), winners))
    assert [c.status_code for c in confirmed] == [200] * 10, [c.text for c in confirmed]
    assert all(c.json()["status"] == "paid" for c in confirmed)
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (0, 0)
    rows = shop.identity_rows(
        "SELECT o.status, count(*) FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE i.sku = %s GROUP BY o.status",
        item,
    )
    assert dict(rows) == {"paid": 10}  # the 20 refused left no order behind


def sign_event(payload: dict[str, object]) -> tuple[bytes, str]:
    """Sign like Stripe (and localstripe) do: t=<unix>,v1=HMAC-SHA256(secret, "t.body")."""
    body = json.dumps(payload).encode()
    ts = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), b"%d.%s" % (ts, body), hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={mac}"


def test_a_refund_made_in_the_stripe_dashboard_marks_the_order_refunded(shop: Shop) -> None:
    item = sku("DASH")
    shop.new_product((item, "60.00", 3))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    assert shop.confirm(shopper, created["order_id"], "pm_card_visa").json()["status"] == "paid"
    amount = int(created["amount"].replace(".", ""))

    partial = {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": "ch_dash",
                "object": "charge",
                "amount": amount,
                "amount_refunded": 1000,
                "payment_intent": created["payment_intent_id"],
            }
        },
    }
    assert post_webhook(shop, *sign_event(partial)).json()["outcome"] == "processed"
    order = shop.order(shopper, created["order_id"])
    assert order["status"] == "partially_refunded"
    assert order["payment"]["refunded_amount"] == "10.00"
    assert order["timeline"][-1]["note"] == "Stripe refunded 10.00"

    full = {**partial, "id": f"evt_{uuid.uuid4().hex}"}
    full["data"] = {"object": {**partial["data"]["object"], "amount_refunded": amount}}  # type: ignore[index]
    assert post_webhook(shop, *sign_event(full)).json()["outcome"] == "processed"
    order = shop.order(shopper, created["order_id"])
    assert order["status"] == "refunded"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_amount"] == created["amount"]
    events = shop.identity_rows(
        "SELECT event_type, payload->'data'->>'refund_amount', "
        "payload->'data'->>'refunded_total' FROM outbox "
        "WHERE aggregate_id = %s ORDER BY seq",
        created["order_id"],
    )
    # Each refund's event says what it gave back and what has been refunded in all.
    rest = f"{Decimal(created['amount']) - Decimal('10.00'):.2f}"
    assert events[-1] == ("ORDER_REFUNDED", rest, created["amount"])
    # The same news again (a replay with a new event id) changes nothing more: one
    # ORDER_REFUNDED per refund, the partial one and the rest.
    again = {**full, "id": f"evt_{uuid.uuid4().hex}"}
    assert post_webhook(shop, *sign_event(again)).json()["outcome"] == "processed"
    assert (
        len(
            shop.identity_rows(
                "SELECT 1 FROM outbox WHERE aggregate_id = %s AND event_type = 'ORDER_REFUNDED'",
                created["order_id"],
            )
        )
        == 2
    )
