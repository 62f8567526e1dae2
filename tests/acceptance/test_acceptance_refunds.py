"""Every refund puts the stock back exactly once, across real processes: a refund made in
Stripe (charge.refunded webhook, also replayed), a refunded `processing` order (which can
then never ship), and a cancel while catalog-fulfillment is down (the order is cancelled at
once and the stock follows when the catalog answers again)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from .shop import WEBHOOK_SECRET, Shop, Shopper, wait_until


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def paid_order(shop: Shop, item: str, quantity: int) -> tuple[Shopper, dict[str, Any]]:
    shopper = shop.new_shopper((item, quantity))
    created = shop.create_intent(shopper).json()
    assert shop.confirm(shopper, created["order_id"], "pm_card_visa").json()["status"] == "paid"
    return shopper, created


def on_hand(shop: Shop, item: str) -> int:
    return shop.stock(item)["on_hand"]


def outbox_types(shop: Shop, order_id: str) -> list[str]:
    rows = shop.identity_rows(
        "SELECT event_type FROM outbox WHERE aggregate_id = %s ORDER BY seq", order_id
    )
    return [r[0] for r in rows]


def admin_status(shop: Shop, order_id: str, **body: Any) -> httpx.Response:
    return httpx.post(
        f"{shop.identity.url}/admin/orders/{order_id}/status",
        json=body,
        headers=shop.admin_headers(),
        timeout=30,
    )


def refund_in_stripe(shop: Shop, payment_intent_id: str) -> dict[str, Any]:
    """What an admin does in Stripe's dashboard: a full refund the shop is not told about
    except by the charge.refunded event."""
    stripe = httpx.Client(base_url=shop.localstripe.url, auth=("sk_test_dashboard", ""))
    refund = stripe.post("/v1/refunds", data={"payment_intent": payment_intent_id})
    assert refund.status_code == 200, refund.text
    return dict(refund.json())


def charge_refunded_event(payment_intent_id: str, amount: int) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": f"ch_{uuid.uuid4().hex[:14]}",
                "object": "charge",
                "amount": amount,
                "amount_refunded": amount,
                "refunded": True,
                "payment_intent": payment_intent_id,
            }
        },
    }


def signed(payload: dict[str, Any]) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), b"%d.%s" % (ts, body), hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={mac}"


def post_webhook(shop: Shop, payload: dict[str, Any]) -> httpx.Response:
    body, signature = signed(payload)
    return httpx.post(
        f"{shop.identity.url}/payments/webhook",
        content=body,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
        timeout=30,
    )


def minor(amount: str) -> int:
    return int(amount.replace(".", ""))


def test_a_refund_in_stripe_restocks_once_though_the_webhook_comes_three_times(
    shop: Shop,
) -> None:
    item = sku("WHRF")
    shop.new_product((item, "40.00", 5))
    shopper, created = paid_order(shop, item, 2)
    assert on_hand(shop, item) == 3
    refund_in_stripe(shop, created["payment_intent_id"])

    event = charge_refunded_event(created["payment_intent_id"], minor(created["amount"]))
    body, signature = signed(event)
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(
            pool.map(
                lambda _: httpx.post(
                    f"{shop.identity.url}/payments/webhook",
                    content=body,
                    headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                    timeout=30,
                ),
                range(3),
            )
        )
    assert sorted(a.json()["outcome"] for a in answers) == ["duplicate", "duplicate", "processed"]
    # Stripe may also send the same news again under new event ids.
    again = {**event, "id": f"evt_{uuid.uuid4().hex}"}
    assert post_webhook(shop, again).json()["outcome"] == "processed"

    order = shop.order(shopper, created["order_id"])
    assert order["status"] == "refunded"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_amount"] == created["amount"]
    assert on_hand(shop, item) == 5  # the two units back, once
    assert outbox_types(shop, created["order_id"]) == [
        "ORDER_PLACED",
        "ORDER_PAID",
        "ORDER_REFUNDED",
    ]
    followups = shop.identity_rows(
        "SELECT kind, status, payload FROM order_followups WHERE order_id = %s ORDER BY kind",
        created["order_id"],
    )
    assert [(kind, status) for kind, status, _ in followups][0] == ("restock", "done")
    assert followups[1][0] == "reverify_reviews"  # the refunded order stops verifying reviews
    assert followups[1][2]["user_id"] == shopper.user_id


def test_a_refunded_processing_order_is_restocked_and_can_never_ship(shop: Shop) -> None:
    item = sku("PROC")
    shop.new_product((item, "25.00", 4))
    shopper, created = paid_order(shop, item, 1)
    assert admin_status(shop, created["order_id"], status="processing").status_code == 200
    refund_in_stripe(shop, created["payment_intent_id"])
    answer = post_webhook(
        shop, charge_refunded_event(created["payment_intent_id"], minor(created["amount"]))
    )
    assert answer.json()["outcome"] == "processed"

    order = shop.order(shopper, created["order_id"])
    assert order["status"] == "refunded"
    assert [t["status"] for t in order["timeline"]][-2:] == ["processing", "refunded"]
    assert on_hand(shop, item) == 4
    shipped = admin_status(
        shop, created["order_id"], status="shipped", carrier="UPS", tracking_number="1Z999"
    )
    assert shipped.status_code == 409, shipped.text
    assert shipped.json()["current_status"] == "refunded"
    fulfillment = httpx.get(
        f"{shop.catalog.url}/fulfillments/{created['order_id']}", headers=shopper.headers
    )
    assert fulfillment.status_code == 404  # nothing was ever handed to the carrier


def test_an_admin_refund_of_a_processing_order_refunds_and_restocks(shop: Shop) -> None:
    item = sku("APRC")
    shop.new_product((item, "30.00", 3))
    shopper, created = paid_order(shop, item, 2)
    assert admin_status(shop, created["order_id"], status="processing").status_code == 200
    refunded = admin_status(shop, created["order_id"], status="refunded", note="out of stock")
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["payment"]["status"] == "refunded"
    assert refunded.json()["payment"]["refunded_amount"] == created["amount"]
    assert on_hand(shop, item) == 3
    assert outbox_types(shop, created["order_id"])[-1] == "ORDER_REFUNDED"
    # Refunding again changes nothing.
    assert admin_status(shop, created["order_id"], status="refunded").status_code == 409
    assert on_hand(shop, item) == 3


def test_catalog_down_while_cancelling_a_paid_order_the_stock_comes_back_later(
    shop: Shop,
) -> None:
    item = sku("CDWN")
    shop.new_product((item, "50.00", 6))
    shopper, created = paid_order(shop, item, 2)
    assert on_hand(shop, item) == 4

    shop.catalog.stop()
    try:
        cancelled = httpx.post(
            f"{shop.identity.url}/orders/{created['order_id']}/cancel",
            json={"reason": "changed my mind"},
            headers=shopper.headers,
            timeout=60,
        )
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["payment"]["status"] == "refunded"
        restock = shop.identity_rows(
            "SELECT status, attempts FROM order_followups WHERE order_id = %s AND kind = 'restock'",
            created["order_id"],
        )
        assert restock[0][0] == "pending" and restock[0][1] >= 1
    finally:
        shop.catalog.start()

    wait_until(lambda: on_hand(shop, item) == 6, timeout=30)
    wait_until(
        lambda: (
            shop.identity_rows(
                "SELECT status FROM order_followups WHERE order_id = %s AND kind = 'restock'",
                created["order_id"],
            )
            == [("done",)]
        )
    )
    assert on_hand(shop, item) == 6  # once, however often it was tried
    assert outbox_types(shop, created["order_id"]) == [
        "ORDER_PLACED",
        "ORDER_PAID",
        "ORDER_CANCELLED",
    ]
    again = httpx.post(
        f"{shop.identity.url}/orders/{created['order_id']}/cancel", headers=shopper.headers
    )
    assert again.status_code == 409
    assert on_hand(shop, item) == 6
