"""Orders after checkout, across real processes: who may see what, cancelling, and the admin
life cycle (processing, shipped with a fulfillment, delivered, refunded)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .shop import Shop, Shopper, wait_until


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def paid_order(shop: Shop, item: str, quantity: int = 1) -> tuple[Shopper, str]:
    shopper = shop.new_shopper((item, quantity))
    order_id = shop.create_intent(shopper).json()["order_id"]
    assert shop.confirm(shopper, order_id, "pm_card_visa").json()["status"] == "paid"
    return shopper, order_id


def admin_status(shop: Shop, order_id: str, **body: Any) -> httpx.Response:
    return httpx.post(
        f"{shop.identity.url}/admin/orders/{order_id}/status",
        json=body,
        headers=shop.admin_headers(),
        timeout=30,
    )


def outbox_types(shop: Shop, order_id: str) -> list[str]:
    rows = shop.identity_rows(
        "SELECT event_type FROM outbox WHERE aggregate_id = %s ORDER BY seq", order_id
    )
    return [r[0] for r in rows]


def test_another_users_order_is_not_found_and_customers_cannot_use_admin(shop: Shop) -> None:
    item = sku("IDOR")
    shop.new_product((item, "12.00", 5))
    owner = shop.new_shopper((item, 1))
    order_id = shop.create_intent(owner).json()["order_id"]
    intruder = shop.new_shopper()
    url = shop.identity.url

    assert httpx.get(f"{url}/orders/{order_id}", headers=intruder.headers).status_code == 404
    assert (
        httpx.post(f"{url}/orders/{order_id}/cancel", headers=intruder.headers).status_code == 404
    )
    assert shop.confirm(intruder, order_id, "pm_card_visa").status_code == 404
    assert httpx.get(f"{url}/orders", headers=intruder.headers).json()["total"] == 0
    mine = httpx.get(f"{url}/orders", headers=owner.headers).json()
    assert [o["id"] for o in mine["items"]] == [order_id]
    assert mine["items"][0]["item_count"] == 1

    assert httpx.get(f"{url}/admin/orders", headers=owner.headers).status_code == 403
    assert httpx.get(f"{url}/admin/orders/{order_id}", headers=owner.headers).status_code == 403
    refused = httpx.post(
        f"{url}/admin/orders/{order_id}/status",
        json={"status": "processing"},
        headers=owner.headers,
    )
    assert refused.status_code == 403
    assert httpx.get(f"{url}/orders/{order_id}").status_code == 401
    assert shop.order(owner, order_id)["status"] == "pending_payment"


def test_cancel_before_payment_releases_the_stock(shop: Shop) -> None:
    item = sku("CANP")
    shop.new_product((item, "12.00", 5))
    shopper = shop.new_shopper((item, 3))
    created = shop.create_intent(shopper).json()
    assert shop.stock(item)["reserved"] == 3
    cancelled = httpx.post(
        f"{shop.identity.url}/orders/{created['order_id']}/cancel",
        json={"reason": "changed my mind"},
        headers=shopper.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["timeline"][-1]["note"] == "changed my mind"
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (5, 0)
    # The PaymentIntent is cancelled too: paying it now is impossible.
    intent = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{created['payment_intent_id']}",
        auth=("sk_test_x", ""),
    )
    assert intent.json()["status"] == "canceled"
    assert shop.confirm(shopper, created["order_id"], "pm_card_visa").status_code == 409
    assert outbox_types(shop, created["order_id"]) == ["ORDER_PLACED", "ORDER_CANCELLED"]


def test_cancel_after_payment_refunds_and_restocks(shop: Shop) -> None:
    item = sku("CANR")
    shop.new_product((item, "80.00", 4))
    shopper, order_id = paid_order(shop, item, 2)
    assert shop.stock(item)["on_hand"] == 2
    cancelled = httpx.post(f"{shop.identity.url}/orders/{order_id}/cancel", headers=shopper.headers)
    assert cancelled.status_code == 200, cancelled.text
    order = cancelled.json()
    assert order["status"] == "cancelled"
    assert order["payment"]["status"] == "refunded"
    assert order["payment"]["refunded_amount"] == order["total"]
    assert order["payment"]["refunds"][0]["amount"] == order["total"]
    assert shop.stock(item)["on_hand"] == 4
    assert outbox_types(shop, order_id) == ["ORDER_PLACED", "ORDER_PAID", "ORDER_CANCELLED"]
    # Cancelling twice is refused and refunds nothing more.
    again = httpx.post(f"{shop.identity.url}/orders/{order_id}/cancel", headers=shopper.headers)
    assert again.status_code == 409
    assert shop.stock(item)["on_hand"] == 4


def test_admin_life_cycle_with_fulfillment_events_and_state_machine(shop: Shop) -> None:
    item = sku("SHIP")
    product = shop.new_product((item, "45.00", 3))
    shopper, order_id = paid_order(shop, item)

    listed = httpx.get(
        f"{shop.identity.url}/admin/orders", params={"status": "paid"}, headers=shop.admin_headers()
    ).json()
    assert order_id in [o["id"] for o in listed["items"]]

    illegal = admin_status(shop, order_id, status="delivered")
    assert illegal.status_code == 409
    assert illegal.json()["current_status"] == "paid"
    assert admin_status(shop, order_id, status="processing").json()["status"] == "processing"
    no_tracking = admin_status(shop, order_id, status="shipped", carrier="UPS")
    assert no_tracking.status_code == 422

    shipped = admin_status(
        shop, order_id, status="shipped", carrier="UPS", tracking_number="1Z999AA10123456784"
    )
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["fulfillment"]["tracking_number"] == "1Z999AA10123456784"
    fulfillment = httpx.get(
        f"{shop.catalog.url}/fulfillments/{order_id}", headers=shopper.headers
    ).json()
    assert fulfillment["carrier"] == "UPS"
    view = shop.order(shopper, order_id)
    assert view["fulfillment"]["status"] == "shipped"
    assert view["fulfillment"]["tracking_url"] == fulfillment["tracking_url"]
    assert (
        httpx.post(
            f"{shop.identity.url}/orders/{order_id}/cancel", headers=shopper.headers
        ).status_code
        == 409
    )  # shipped orders are not cancelled

    delivered = admin_status(shop, order_id, status="delivered", note="left at the door")
    assert delivered.json()["status"] == "delivered"
    refunded = admin_status(shop, order_id, status="refunded", note="arrived broken")
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["payment"]["status"] == "refunded"
    assert shop.stock(item)["on_hand"] == 2  # delivered goods are not restocked by a refund

    assert [t["status"] for t in refunded.json()["timeline"]] == [
        "pending_payment",
        "paid",
        "processing",
        "shipped",
        "delivered",
        "refunded",
    ]
    assert outbox_types(shop, order_id) == [
        "ORDER_PLACED",
        "ORDER_PAID",
        "ORDER_SHIPPED",
        "ORDER_DELIVERED",
        "ORDER_REFUNDED",
    ]
    shipped_mail = wait_until(lambda: shop.sent("ORDER_SHIPPED", shopper.email))
    assert "1Z999AA10123456784" in shipped_mail[0]["body_text"]
    wait_until(lambda: shop.sent("ORDER_REFUNDED", shopper.email))

    # Reviews ask identity whether this user bought the product.
    verified = httpx.get(
        f"{shop.identity.url}/internal/verified-purchase",
        params={"user_id": shopper.user_id, "product_id": product["id"]},
        headers=shop.service_headers("catalog-fulfillment"),
    )
    assert verified.json() == {"verified": False}  # refunded orders do not count


def test_verified_purchase_for_services_only(shop: Shop) -> None:
    item = sku("VERI")
    product = shop.new_product((item, "5.00", 3))
    shopper, _ = paid_order(shop, item)
    params = {"user_id": shopper.user_id, "product_id": product["id"]}
    url = f"{shop.identity.url}/internal/verified-purchase"
    catalog = shop.service_headers("catalog-fulfillment")  # the service that asks
    assert httpx.get(url, params=params, headers=catalog).json() == {"verified": True}
    other = {"user_id": str(uuid.uuid4()), "product_id": product["id"]}
    assert httpx.get(url, params=other, headers=catalog).json() == {"verified": False}
    assert httpx.get(url, params=params, headers=shopper.headers).status_code == 403
    assert httpx.get(url, params=params).status_code == 401
