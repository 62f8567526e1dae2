"""What one hostile account or address can hold or exhaust through checkout, across real
processes: stock hoarding by repeated checkouts, the cap on orders awaiting payment, the
checkout rate limits per account and per client address, and order numbers past six digits.

Clients that must look like different machines use distinct loopback source addresses
(127.x.y.z): the limits stay on."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from .shop import Shop, Shopper


def sku(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


@contextmanager
def from_address(address: str) -> Iterator[httpx.Client]:
    """An HTTP client whose connections come from `address` (any 127.x.y.z is loopback)."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30) as client:
        yield client


def create(http: httpx.Client, url: str, shopper: Shopper, **headers: str) -> httpx.Response:
    return http.post(
        f"{url}/checkout/create-payment-intent",
        json={
            "shipping_address_id": shopper.shipping_address_id,
            "billing_address_id": shopper.billing_address_id,
        },
        headers={**shopper.headers, **headers},
    )


def orders_of(shop: Shop, shopper: Shopper) -> list[tuple[str, str, str | None]]:
    """(id, status, last timeline note) of the shopper's orders, oldest first."""
    rows = shop.identity_rows(
        "SELECT o.id, o.status, (SELECT note FROM order_status_changes c WHERE c.order_id = o.id "
        "ORDER BY c.at DESC, c.seq DESC LIMIT 1) FROM orders o WHERE o.user_id = %s "
        "ORDER BY o.created_at",
        uuid.UUID(shopper.user_id),
    )
    return [(str(r[0]), r[1], r[2]) for r in rows]


def set_cart(shop: Shop, shopper: Shopper, *lines: tuple[str, int]) -> None:
    url = shop.identity.url
    assert httpx.delete(f"{url}/cart", headers=shopper.headers).status_code == 204
    for line_sku, quantity in lines:
        added = httpx.post(
            f"{url}/cart/items",
            json={"sku": line_sku, "quantity": quantity},
            headers=shopper.headers,
        )
        assert added.status_code == 201, added.text


# --- hoarding ----------------------------------------------------------------------------
def test_ten_checkouts_in_a_row_hold_one_cart_and_another_shopper_buys_the_rest(
    shop: Shop,
) -> None:
    item = sku("HOARD")
    shop.new_product((item, "10.00", 20))
    hoarder = shop.new_shopper((item, 5))

    created = [shop.create_intent(hoarder) for _ in range(10)]
    assert [c.status_code for c in created] == [201] * 10, [c.text for c in created]
    # Only the newest order holds stock: each checkout superseded the one before.
    assert shop.stock(item)["reserved"] == 5
    orders = orders_of(shop, hoarder)
    assert [status for _, status, _ in orders] == ["cancelled"] * 9 + ["pending_payment"]
    assert orders[-1][0] == created[-1].json()["order_id"]
    assert {note for _, _, note in orders[:-1]} == {"Replaced by a newer checkout"}
    # The superseded PaymentIntents can no longer be paid.
    first = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{created[0].json()['payment_intent_id']}",
        auth=("sk_test_x", ""),
    )
    assert first.json()["status"] == "canceled"

    buyer = shop.new_shopper((item, 15))
    bought = shop.create_intent(buyer)
    assert bought.status_code == 201, bought.text
    paid = shop.confirm(buyer, bought.json()["order_id"], "pm_card_visa")
    assert paid.json()["status"] == "paid", paid.text
    assert shop.stock(item) | {"reorder_level": 0} == {
        "sku": item,
        "on_hand": 5,
        "reserved": 5,  # the hoarder's one remaining hold
        "available": 0,
        "reorder_level": 0,
    }


def test_an_idempotency_key_replay_is_not_a_new_checkout(shop: Shop) -> None:
    item = sku("REPLAY")
    shop.new_product((item, "10.00", 10))
    shopper = shop.new_shopper((item, 2))
    first_key, second_key = f"k-{uuid.uuid4()}", f"k-{uuid.uuid4()}"
    first = shop.create_intent(shopper, **{"Idempotency-Key": first_key})
    second = shop.create_intent(shopper, **{"Idempotency-Key": second_key})
    assert (first.status_code, second.status_code) == (201, 201)

    replay = shop.create_intent(shopper, **{"Idempotency-Key": first_key})
    assert replay.status_code == 201
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
    # The replay superseded nothing: the second order still holds the stock.
    statuses = {order_id: status for order_id, status, _ in orders_of(shop, shopper)}
    assert statuses == {
        first.json()["order_id"]: "cancelled",
        second.json()["order_id"]: "pending_payment",
    }
    assert shop.stock(item)["reserved"] == 2
    counted = shop.identity_rows(
        "SELECT count FROM rate_limit_counters WHERE key = %s", f"checkout:user:{shopper.user_id}"
    )
    assert counted == [(2,)]  # two checkouts; the replay was not one


def set_on_hand(shop: Shop, item: str, on_hand: int) -> None:
    answer = httpx.put(
        f"{shop.catalog.url}/admin/inventory/{item}",
        json={"on_hand": on_hand},
        headers=shop.admin_headers(),
    )
    assert answer.status_code == 200, answer.text


def test_a_superseded_order_stays_closed_when_the_new_checkout_fails(shop: Shop) -> None:
    held, sold_out = sku("SUPA"), sku("SUPB")
    shop.new_product((held, "10.00", 5))
    shop.new_product((sold_out, "10.00", 5))
    shopper = shop.new_shopper((held, 3))
    first = shop.create_intent(shopper).json()
    added = httpx.post(
        f"{shop.identity.url}/cart/items",
        json={"sku": sold_out, "quantity": 1},
        headers=shopper.headers,
    )
    assert added.status_code == 201, added.text
    set_on_hand(shop, sold_out, 0)  # sold elsewhere meanwhile
    key = f"k-{uuid.uuid4()}"

    refused = shop.create_intent(shopper, **{"Idempotency-Key": key})
    assert refused.status_code == 409, refused.text
    assert refused.json()["shortages"][0]["sku"] == sold_out
    # The earlier order was closed and its units freed even though no new order was made.
    assert [status for _, status, _ in orders_of(shop, shopper)] == ["cancelled"]
    assert shop.stock(held)["reserved"] == 0
    intent = httpx.get(
        f"{shop.localstripe.url}/v1/payment_intents/{first['payment_intent_id']}",
        auth=("sk_test_x", ""),
    )
    assert intent.json()["status"] == "canceled"
    # The failed checkout did not use up its key.
    set_on_hand(shop, sold_out, 5)
    retried = shop.create_intent(shopper, **{"Idempotency-Key": key})
    assert retried.status_code == 201, retried.text
    assert retried.headers.get("Idempotent-Replayed") is None
    assert shop.stock(held)["reserved"] == 3


def test_orders_awaiting_payment_are_capped_per_user(shop: Shop) -> None:
    first_sku, second_sku, third_sku = sku("CAPA"), sku("CAPB"), sku("CAPC")
    shop.new_product((first_sku, "10.00", 5), (second_sku, "10.00", 5), (third_sku, "10.00", 5))
    shopper = shop.new_shopper((first_sku, 1))
    first = shop.create_intent(shopper)
    assert first.status_code == 201, first.text
    set_cart(shop, shopper, (second_sku, 1))
    second = shop.create_intent(shopper)  # other skus: the first order is not superseded
    assert second.status_code == 201, second.text

    set_cart(shop, shopper, (third_sku, 1))
    refused = shop.create_intent(shopper)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "too_many_pending_orders"
    assert "2 orders awaiting payment" in refused.json()["detail"]
    assert shop.stock(third_sku)["reserved"] == 0
    assert len(orders_of(shop, shopper)) == 2

    cancelled = httpx.post(
        f"{shop.identity.url}/orders/{first.json()['order_id']}/cancel", headers=shopper.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    assert shop.create_intent(shopper).status_code == 201


# --- rate limits --------------------------------------------------------------------------
def test_checkouts_are_limited_per_user_and_per_client_address(shop: Shop) -> None:
    limited = shop.start_identity(
        "identity-checkout-limits", CHECKOUT_MAX_PER_USER="3", CHECKOUT_MAX_PER_CLIENT="5"
    )
    shop.extra.append(limited)
    item = sku("RATE")
    shop.new_product((item, "10.00", 50))
    alice, bob, carol = (shop.new_shopper((item, 1)) for _ in range(3))
    office, home, cafe = "127.0.0.21", "127.0.0.22", "127.0.0.23"

    with from_address(office) as at_office, from_address(home) as at_home:
        assert [create(at_office, limited.url, alice).status_code for _ in range(3)] == [201] * 3
        too_many = create(at_office, limited.url, alice)
        assert too_many.status_code == 429, too_many.text
        assert int(too_many.headers["Retry-After"]) > 0
        assert too_many.json()["code"] == "checkout_rate_limited"
        # The account's limit follows it to another address ...
        assert create(at_home, limited.url, alice).status_code == 429
        # ... and the address's limit (5) stops a second account there, but nobody else.
        assert [create(at_office, limited.url, bob).status_code for _ in range(2)] == [201] * 2
        assert create(at_office, limited.url, bob).status_code == 429
        assert create(at_home, limited.url, bob).status_code == 201

    # Failed checkouts count too: an empty cart cannot be retried without end.
    set_cart(shop, carol)
    with from_address(cafe) as at_cafe:
        assert [create(at_cafe, limited.url, carol).status_code for _ in range(3)] == [400] * 3
        assert create(at_cafe, limited.url, carol).status_code == 429
    limited.stop()


# --- order numbers ------------------------------------------------------------------------
def set_order_counter(shop: Shop, value: int) -> None:
    shop.identity_rows("SELECT setval('order_number_seq', %s)", value)


def test_order_numbers_grow_past_six_digits(shop: Shop) -> None:
    item = sku("NUM")
    shop.new_product((item, "10.00", 10))
    shoppers = [shop.new_shopper((item, 1)) for _ in range(3)]
    set_order_counter(shop, 999_998)
    created = [shop.create_intent(s) for s in shoppers]
    assert [c.status_code for c in created] == [201] * 3, [c.text for c in created]
    numbers = [c.json()["order_number"] for c in created]
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["999999", "1000000", "1000001"]
    assert len(set(numbers)) == 3


def test_an_order_number_already_taken_is_skipped_not_a_500(shop: Shop) -> None:
    item = sku("TAKEN")
    shop.new_product((item, "10.00", 10))
    first, second = shop.new_shopper((item, 1)), shop.new_shopper((item, 1))
    taken = shop.create_intent(first).json()["order_number"]
    # The counter is set back (e.g. a restore): its next number is one already in use.
    set_order_counter(shop, int(taken.rsplit("-", 1)[1]) - 1)
    again = shop.create_intent(second)
    assert again.status_code == 201, again.text
    assert again.json()["order_number"] != taken
    assert int(again.json()["order_number"].rsplit("-", 1)[1]) > int(taken.rsplit("-", 1)[1])
