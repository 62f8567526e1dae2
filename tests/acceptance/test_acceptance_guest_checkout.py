"""Guest checkout across real processes: a visitor's cart (X-Cart-Token), checkout with an
email and typed-in addresses, the order shown with its token (404 without), the emails
linking to it, the race of 15 guests for 5 units, merging a guest cart after sign-in, and
claiming a guest order once the account's email is verified."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from .shop import Shop, from_new_address, wait_until
from .test_acceptance_orders import sku

ADDRESS = {
    "full_name": "Gale Guest",
    "line1": "1 Main St",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
    "phone": "+15550100",
}


@dataclass
class Guest:
    email: str
    cart_token: str
    api: httpx.Client  # from an address of its own

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Cart-Token": self.cart_token}


def new_guest(shop: Shop, *cart: tuple[str, int]) -> Guest:
    api = from_new_address(shop.identity.url)
    created = api.post("/cart/guest")
    assert created.status_code == 201, created.text
    guest = Guest(
        f"guest-{created.json()['cart_token'][:10].lower()}@example.com",
        created.json()["cart_token"],
        api,
    )
    for item, quantity in cart:
        line = api.post(
            "/cart/items", json={"sku": item, "quantity": quantity}, headers=guest.headers
        )
        assert line.status_code == 201, line.text
    return guest


def guest_checkout(guest: Guest, **headers: str) -> httpx.Response:
    return guest.api.post(
        "/checkout/create-payment-intent",
        json={"email": guest.email, "shipping_address": ADDRESS},
        headers={**guest.headers, **headers},
    )


def guest_confirm(guest: Guest, order_id: str, payment_method: str) -> httpx.Response:
    return guest.api.post(
        "/checkout/confirm",
        json={"order_id": order_id, "payment_method_id": payment_method},
        headers=guest.headers,
    )


def test_guest_buys_and_sees_the_order_with_its_token_only(shop: Shop) -> None:
    item = sku("GST")
    shop.new_product((item, "40.00", 5))
    guest = new_guest(shop, (item, 2))
    cart = guest.api.get("/cart", headers=guest.headers).json()
    assert cart["item_count"] == 2

    created = guest_checkout(guest, **{"Idempotency-Key": "guest-1"})
    assert created.status_code == 201, created.text
    body = created.json()
    token = body["order_token"]
    assert len(token) >= 43
    assert body["amount"] == "96.39"  # 80.00 + 9.99 shipping (under 100) + 8% US tax 6.40
    again = guest_checkout(guest, **{"Idempotency-Key": "guest-1"})
    assert again.json() == body and again.headers["Idempotent-Replayed"] == "true"
    assert shop.stock(item)["reserved"] == 2

    confirmed = guest_confirm(guest, body["order_id"], "pm_card_visa")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "paid"
    assert shop.identity_rows("SELECT user_id FROM orders WHERE id = %s", body["order_id"]) == [
        (None,)
    ]  # the order belongs to no account
    assert shop.stock(item)["on_hand"] == 3
    assert guest.api.get("/cart", headers=guest.headers).json()["items"] == []

    path = f"{shop.identity.url}/orders/{body['order_id']}"
    shown = httpx.get(path, headers={"X-Order-Token": token})
    assert shown.status_code == 200, shown.text
    assert (shown.json()["id"], shown.json()["number"]) == (body["order_id"], body["order_number"])
    assert shown.json()["status"] == "paid"
    assert httpx.get(path).status_code == 401
    assert httpx.get(path, headers={"X-Order-Token": "Z" * 43}).status_code == 404
    other = new_guest(shop)
    assert httpx.get(path, headers={"X-Cart-Token": other.cart_token}).status_code == 401
    stranger = shop.new_shopper()
    assert httpx.get(path, headers=stranger.headers).status_code == 404

    # The emails link to the order with its token.
    link = f"/orders/{body['order_id']}?token={token}"
    for event in ("ORDER_PLACED", "ORDER_PAID"):
        [sent] = wait_until(lambda event=event: shop.sent(event, guest.email))
        assert link in sent["body_text"]


def test_guest_declined_card_keeps_the_cart_and_releases_the_stock(shop: Shop) -> None:
    item = sku("GDEC")
    shop.new_product((item, "30.00", 3))
    guest = new_guest(shop, (item, 1))
    created = guest_checkout(guest).json()
    declined = guest_confirm(guest, created["order_id"], "pm_card_visa_chargeDeclined")
    assert declined.status_code == 402, declined.text
    assert declined.json()["status"] == "payment_failed"
    assert shop.stock(item)["reserved"] == 0
    assert guest.api.get("/cart", headers=guest.headers).json()["item_count"] == 1
    # Another cart cannot confirm this cart's order.
    other = new_guest(shop)
    assert guest_confirm(other, created["order_id"], "pm_card_visa").status_code == 404


def test_guest_checkout_refuses_bad_bodies_and_unknown_carts(shop: Shop) -> None:
    item = sku("GBAD")
    shop.new_product((item, "30.00", 3))
    guest = new_guest(shop, (item, 1))
    for body in (
        {"shipping_address": ADDRESS},  # no email
        {"email": "not-an-email", "shipping_address": ADDRESS},
        {"email": guest.email, "shipping_address": {**ADDRESS, "country": "ZZ"}},
        {
            "shipping_address_id": "4b7f1c2e-8d1f-4a36-9a53-1b2c3d4e5f60",
            "billing_address_id": "4b7f1c2e-8d1f-4a36-9a53-1b2c3d4e5f60",
        },
    ):
        response = guest.api.post(
            "/checkout/create-payment-intent", json=body, headers=guest.headers
        )
        assert response.status_code == 422, (body, response.text)
        # every 422 in the documented shape: a list of problems
        assert isinstance(response.json()["detail"], list), response.text
    unknown = guest.api.post(
        "/checkout/create-payment-intent",
        json={"email": guest.email, "shipping_address": ADDRESS},
        headers={"X-Cart-Token": "Q" * 43},
    )
    assert unknown.status_code == 404
    empty = new_guest(shop)
    assert guest_checkout(empty).status_code == 400
    assert shop.stock(item)["reserved"] == 0


def test_signed_in_shopper_checks_out_to_a_typed_address(shop: Shop) -> None:
    """The typed shape with Authorization: the order is the account's, shipped to the
    typed address, its messages go to the email given; the address book is untouched."""
    item = sku("GTYP")
    shop.new_product((item, "20.00", 4))
    shopper = shop.new_shopper((item, 1))
    contact = f"gift-{shopper.email}"
    api = from_new_address(shop.identity.url)
    book_before = api.get("/addresses", headers=shopper.headers).json()
    created = api.post(
        "/checkout/create-payment-intent",
        json={"email": contact, "shipping_address": {**ADDRESS, "full_name": "Gift Friend"}},
        headers=shopper.headers,
    )
    assert created.status_code == 201, created.text
    assert "order_token" not in created.json()
    order_id = created.json()["order_id"]
    assert shop.identity_rows(
        "SELECT user_id::text, customer_email FROM orders WHERE id = %s", order_id
    ) == [(shopper.user_id, contact)]
    shown = api.get(f"/orders/{order_id}", headers=shopper.headers).json()
    assert shown["shipping_address"]["full_name"] == "Gift Friend"
    assert shown["billing_address"]["full_name"] == "Gift Friend"
    assert api.get("/addresses", headers=shopper.headers).json() == book_before
    [placed] = wait_until(lambda: shop.sent("ORDER_PLACED", contact))
    assert f"/orders/{order_id}" in placed["body_text"]


def test_race_fifteen_guests_five_units(shop: Shop) -> None:
    item = sku("GRACE")
    shop.new_product((item, "20.00", 5))
    guests = [new_guest(shop, (item, 1)) for _ in range(15)]
    barrier = threading.Barrier(15)

    def checkout(guest: Guest) -> httpx.Response:
        barrier.wait()
        return guest_checkout(guest)

    with ThreadPoolExecutor(max_workers=15) as pool:
        created = list(pool.map(checkout, guests))
    statuses = sorted(r.status_code for r in created)
    assert statuses == [201] * 5 + [409] * 10, [r.text for r in created if r.status_code >= 500]
    winners = [
        (g, r.json()["order_id"])
        for g, r in zip(guests, created, strict=True)
        if r.status_code == 201
    ]
    with ThreadPoolExecutor(max_workers=5) as pool:
        confirmed = list(pool.map(lambda w: guest_confirm(w[0], w[1], "pm_card_visa"), winners))
    assert [c.status_code for c in confirmed] == [200] * 5, [c.text for c in confirmed]
    assert (shop.stock(item)["on_hand"], shop.stock(item)["reserved"]) == (0, 0)
    rows = shop.identity_rows(
        "SELECT o.status, count(*) FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE i.sku = %s GROUP BY o.status",
        item,
    )
    assert dict(rows) == {"paid": 5}


def test_one_guest_cart_cannot_hoard_stock(shop: Shop) -> None:
    """A new checkout of the same cart supersedes its unpaid order (the hold is released),
    so retrying never stacks holds."""
    item = sku("GHRD")
    shop.new_product((item, "10.00", 4))
    guest = new_guest(shop, (item, 2))
    first = guest_checkout(guest).json()
    second = guest_checkout(guest)
    assert second.status_code == 201, second.text
    assert shop.stock(item)["reserved"] == 2
    old = httpx.get(
        f"{shop.identity.url}/orders/{first['order_id']}",
        headers={"X-Order-Token": first["order_token"]},
    )
    assert old.json()["status"] == "cancelled"


def test_merge_after_sign_in_and_claim_after_verification(shop: Shop) -> None:
    item, other = sku("GMRG"), sku("GMRH")
    shop.new_product((item, "10.00", 3), (other, "5.00", 9))
    shopper = shop.new_shopper((item, 2))
    guest = new_guest(shop, (item, 2), (other, 1))
    merge = {"cart_token": guest.cart_token}
    merged = httpx.post(f"{shop.identity.url}/cart/merge", json=merge, headers=shopper.headers)
    assert merged.status_code == 200, merged.text
    result: dict[str, Any] = merged.json()
    assert {i["sku"]: i["quantity"] for i in result["items"]} == {item: 3, other: 1}
    assert [(a["sku"], a["requested"], a["quantity"], a["reason"]) for a in result["adjusted"]] == [
        (item, 4, 3, "stock")
    ]
    twice = httpx.post(f"{shop.identity.url}/cart/merge", json=merge, headers=shopper.headers)
    assert twice.json()["merged"] is False
    assert {i["sku"]: i["quantity"] for i in twice.json()["items"]} == {item: 3, other: 1}

    # A guest order bought with the shopper's email joins the account once it is verified.
    buyer = new_guest(shop, (other, 1))
    buyer.email = shopper.email
    order = guest_checkout(buyer).json()
    assert guest_confirm(buyer, order["order_id"], "pm_card_visa").json()["status"] == "paid"
    claim = {"order_token": order["order_token"]}
    url = f"{shop.identity.url}/orders/claim"
    unverified = httpx.post(url, json=claim, headers=shopper.headers)
    assert unverified.status_code == 403
    shop.verify_email(shopper)
    claimed = httpx.post(url, json=claim, headers=shopper.headers)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["id"] == order["order_id"]
    assert [
        str(row[0])
        for row in shop.identity_rows("SELECT user_id FROM orders WHERE id = %s", order["order_id"])
    ] == [shopper.user_id]
    mine = httpx.get(f"{shop.identity.url}/orders", headers=shopper.headers).json()
    assert order["order_id"] in [o["id"] for o in mine["items"]]
    stranger = shop.new_shopper()
    shop.verify_email(stranger)
    assert httpx.post(url, json=claim, headers=stranger.headers).status_code == 404
