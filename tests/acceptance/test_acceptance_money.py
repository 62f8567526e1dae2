"""Money that does not add up is never taken for payment, across real processes: amounts
in currencies with 0 and 3 decimals, a PaymentIntent for another amount, a stale Stripe
event after the payment succeeded, a payment that arrives after the order had expired (and
the customer's email about its refund), and paying takes only the ordered lines out of the
cart."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

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


def stripe_intent(shop: Shop, payment_intent_id: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{payment_intent_id}", auth=("sk_test_x", "")
    )
    return dict(answer.json())


def signed(payload: dict[str, Any]) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), b"%d.%s" % (ts, body), hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={mac}"


def deliver(shop: Shop, body: bytes, signature: str) -> httpx.Response:
    return httpx.post(
        f"{shop.identity.url}/payments/webhook",
        content=body,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
        timeout=30,
    )


def admin_order(shop: Shop, order_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{shop.identity.url}/admin/orders/{order_id}", headers=shop.admin_headers())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def new_product_in(shop: Shop, currency: str, item: str, price: str, on_hand: int) -> None:
    admin = shop.admin_headers()
    category = httpx.post(
        f"{shop.catalog.url}/admin/categories",
        json={"name": f"Category {uuid.uuid4().hex[:8]}"},
        headers=admin,
    )
    product = httpx.post(
        f"{shop.catalog.url}/admin/products",
        json={
            "name": f"Product {item}",
            "category_id": category.json()["id"],
            "currency": currency,
            "variants": [{"sku": item, "name": item, "price": price, "on_hand": on_hand}],
        },
        headers=admin,
    )
    assert product.status_code == 201, product.text


# --- minor units (ISO 4217) ---------------------------------------------------------------
def checkout_in(shop: Shop, currency: str, price: str) -> tuple[dict[str, Any], httpx.Response]:
    """Create and pay an order for one unit at `price` in a shop selling in `currency`."""
    item = sku(currency)
    new_product_in(shop, currency, item, price, 5)
    shopper = shop.new_shopper((item, 1))
    identity = shop.start_identity(f"identity-{currency.lower()}", SHOP_CURRENCY=currency)
    shop.extra.append(identity)
    created = httpx.post(
        f"{identity.url}/checkout/create-payment-intent",
        json={
            "shipping_address_id": shopper.shipping_address_id,
            "billing_address_id": shopper.billing_address_id,
        },
        headers=shopper.headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    paid = httpx.post(
        f"{identity.url}/checkout/confirm",
        json={"order_id": created.json()["order_id"], "payment_method_id": "pm_card_visa"},
        headers=shopper.headers,
        timeout=30,
    )
    identity.stop()
    return created.json(), paid


def test_yen_have_no_minor_unit(shop: Shop) -> None:
    created, paid = checkout_in(shop, "JPY", "1499.00")
    # 1499 + 8% tax (119.92, rounded to whole yen: 120); shipping is free over 100
    assert created["amount"] == "1619.00"
    intent = stripe_intent(shop, created["payment_intent_id"])
    assert (int(intent["amount"]), intent["currency"]) == (1619, "jpy")
    assert paid.json()["status"] == "paid", paid.text


def test_kuwaiti_dinars_have_three_decimals(shop: Shop) -> None:
    created, paid = checkout_in(shop, "KWD", "12.35")
    # 12.35 + 8% tax (0.99) + 9.99 shipping = 23.33 KWD = 23330 fils
    assert created["amount"] == "23.33"
    intent = stripe_intent(shop, created["payment_intent_id"])
    assert (int(intent["amount"]), intent["currency"]) == (23330, "kwd")
    assert paid.json()["status"] == "paid", paid.text


# --- amounts cross-checked -----------------------------------------------------------------
def test_a_payment_for_another_amount_is_not_taken_as_payment(shop: Shop) -> None:
    item = sku("AMT")
    shop.new_product((item, "80.00", 5))
    shopper = shop.new_shopper((item, 2))
    created = shop.create_intent(shopper).json()
    stripe = httpx.Client(base_url=shop.localstripe.url, auth=("sk_test_dashboard", ""))
    # Someone changes the amount at Stripe before the customer pays.
    changed = stripe.post(
        f"/v1/payment_intents/{created['payment_intent_id']}", data={"amount": 100}
    )
    assert changed.status_code == 200, changed.text
    pay_directly_at_stripe(shop, created["payment_intent_id"])

    answer = shop.confirm(shopper, created["order_id"])
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "payment_amount_mismatch"
    order = admin_order(shop, created["order_id"])
    assert order["status"] == "pending_payment"
    assert (
        "100 USD" in order["attention"]
        and str(int(created["amount"].replace(".", ""))) in (order["attention"])
    )
    assert order["attention"] in [t["note"] for t in order["timeline"]]
    assert shop.stock(item)["reserved"] == 2  # nothing committed
    listed = httpx.get(
        f"{shop.identity.url}/admin/orders",
        params={"status": "pending_payment"},
        headers=shop.admin_headers(),
    ).json()
    assert any(o["id"] == created["order_id"] and o["attention"] for o in listed["items"])
    # The webhook saying the same changes nothing more.
    wait_until(
        lambda: shop.identity_rows(
            "SELECT 1 FROM stripe_events WHERE object_id = %s", created["payment_intent_id"]
        )
    )
    again = admin_order(shop, created["order_id"])
    assert again["status"] == "pending_payment"
    assert [t["note"] for t in again["timeline"]].count(order["attention"]) == 1

    # An admin cancels it: exactly what Stripe took goes back, the stock is released.
    cancelled = httpx.post(
        f"{shop.identity.url}/admin/orders/{created['order_id']}/status",
        json={"status": "cancelled", "note": "amount did not match"},
        headers=shop.admin_headers(),
        timeout=30,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["payment"]["refunded_amount"] == "1.00"
    assert shop.stock(item)["reserved"] == 0


def test_a_currency_that_is_not_the_orders_is_not_taken_as_payment(shop: Shop) -> None:
    item = sku("CUR")
    shop.new_product((item, "10.00", 5))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    event = succeeded_event(created["payment_intent_id"], int(created["amount"].replace(".", "")))
    event["data"]["object"]["currency"] = "eur"
    assert deliver(shop, *signed(event)).json()["outcome"] == "processed"
    order = admin_order(shop, created["order_id"])
    assert order["status"] == "pending_payment"
    assert "EUR" in order["attention"]


def succeeded_event(payment_intent_id: str, amount: int) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": payment_intent_id,
                "object": "payment_intent",
                "status": "succeeded",
                "amount": amount,
                "currency": "usd",
                "metadata": {},
            }
        },
    }


# --- late and out-of-order Stripe events ----------------------------------------------------
def test_a_payment_failed_event_after_succeeded_changes_nothing(shop: Shop) -> None:
    item = sku("STALE")
    shop.new_product((item, "20.00", 5))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    assert shop.confirm(shopper, created["order_id"], "pm_card_visa").json()["status"] == "paid"
    before = shop.order(shopper, created["order_id"])

    stale = {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "payment_intent.payment_failed",
        "data": {
            "object": {
                "id": created["payment_intent_id"],
                "object": "payment_intent",
                "status": "requires_payment_method",
                "amount": int(created["amount"].replace(".", "")),
                "currency": "usd",
                "metadata": {},
                "last_payment_error": {"code": "card_declined", "message": "Declined."},
            }
        },
    }
    answer = deliver(shop, *signed(stale))
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "ignored"
    after = shop.order(shopper, created["order_id"])
    assert after == before
    assert after["payment"]["status"] == "succeeded"
    assert after["payment"]["failure_message"] is None
    assert shop.identity_rows(
        "SELECT type FROM stripe_events WHERE event_id = %s", stale["id"]
    ) == [("payment_intent.payment_failed",)]  # recorded, so a replay is a duplicate
    assert deliver(shop, *signed(stale)).json()["outcome"] == "duplicate"


def test_a_payment_after_expiry_is_refunded_and_the_customer_is_told(shop: Shop) -> None:
    item = sku("LATEX")
    shop.new_product((item, "35.00", 5))
    shopper = shop.new_shopper((item, 1))
    created = shop.create_intent(shopper).json()
    with webhooks_captured(shop) as deliveries:
        pay_directly_at_stripe(shop, created["payment_intent_id"])
        wanted = created["payment_intent_id"].encode()
        body, signature = wait_until(
            lambda: next(
                (d for d in deliveries if wanted in d[0] and b"payment_intent.succeeded" in d[0]),
                None,
            )
        )
    # Meanwhile the shop had given up on the order: expired, its hold released.
    shop.identity_rows(
        "UPDATE orders SET status = 'expired' WHERE id = %s RETURNING id", created["order_id"]
    )
    released = httpx.post(
        f"{shop.catalog.url}/inventory/release",
        json={"reservation_id": created["order_id"]},
        headers=shop.service_headers(),
    )
    assert released.status_code == 200, released.text

    assert deliver(shop, body, signature).json()["outcome"] == "processed"
    order = shop.order(shopper, created["order_id"])
    assert order["status"] == "expired"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_amount"] == created["amount"]
    refunds = httpx.get(
        f"{shop.localstripe.url}/v1/refunds",
        params={"payment_intent": created["payment_intent_id"]},
        auth=("sk_test_x", ""),
    ).json()["data"]
    assert [r["amount"] for r in refunds] == [int(created["amount"].replace(".", ""))]
    events = shop.identity_rows(
        "SELECT event_type, payload->'data'->>'refund_amount', payload->'data'->>'order_status' "
        "FROM outbox WHERE aggregate_id = %s ORDER BY seq",
        created["order_id"],
    )
    assert events[-1] == ("ORDER_LATE_PAYMENT_REFUNDED", created["amount"], "expired")
    [email] = wait_until(lambda: shop.sent("ORDER_LATE_PAYMENT_REFUNDED", shopper.email))
    assert email["subject"] == f"Your payment for order {created['order_number']} was refunded"
    assert "after this order had expired" in email["body_text"]
    # The same news again (a new event id) is older than the refund: recorded and ignored.
    again = json.loads(body)
    again["id"] = f"evt_{uuid.uuid4().hex}"
    assert deliver(shop, *signed(again)).json()["outcome"] == "ignored"
    assert (
        len(
            shop.identity_rows(
                "SELECT 1 FROM outbox WHERE aggregate_id = %s "
                "AND event_type = 'ORDER_LATE_PAYMENT_REFUNDED'",
                created["order_id"],
            )
        )
        == 1
    )


# --- the cart after payment -----------------------------------------------------------------
def test_paying_takes_only_the_ordered_lines_out_of_the_cart(shop: Shop) -> None:
    mug, pen, cap = sku("MUG"), sku("PEN"), sku("CAP")
    shop.new_product((mug, "8.00", 10), (pen, "2.00", 10), (cap, "15.00", 10))
    shopper = shop.new_shopper((mug, 2), (pen, 1))
    created = shop.create_intent(shopper).json()
    # Shopping goes on in another tab while the payment is under way.
    url = shop.identity.url
    for line_sku in (mug, cap):
        added = httpx.post(
            f"{url}/cart/items", json={"sku": line_sku, "quantity": 1}, headers=shopper.headers
        )
        assert added.status_code == 201, added.text

    assert shop.confirm(shopper, created["order_id"], "pm_card_visa").json()["status"] == "paid"
    cart = {line["sku"]: line["quantity"] for line in shop.cart(shopper)["items"]}
    assert cart == {mug: 1, cap: 1}
