"""Partial refunds and returns across real processes: the refund goes through the real stripe
SDK to localstripe, the restock over HTTP to catalog-fulfillment, the emails through
notifications. Replays (the same Idempotency-Key, the same charge.refunded webhook) and
concurrent refunds never give back money or stock twice."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from .shop import Shop, Shopper, wait_until
from .test_acceptance_refunds import (
    admin_status,
    minor,
    on_hand,
    outbox_types,
    paid_order,
    post_webhook,
    sku,
)

CENT = Decimal("0.01")


def refund(shop: Shop, order_id: str, key: str | None = None, **body: Any) -> httpx.Response:
    headers = dict(shop.admin_headers())
    if key is not None:
        headers["Idempotency-Key"] = key
    return httpx.post(
        f"{shop.identity.url}/admin/orders/{order_id}/refunds",
        json={"reason": "customer asked", **body},
        headers=headers,
        timeout=30,
    )


def share(order: dict[str, Any], line_total: Decimal) -> Decimal:
    """What the customer paid for `line_total` of goods (discount and tax shared out)."""
    goods = Decimal(order["total"]) - Decimal(order["shipping"])
    return (line_total * goods / Decimal(order["subtotal"])).quantize(CENT, ROUND_HALF_UP)


def deliver(shop: Shop, order_id: str) -> None:
    for body in (
        {"status": "processing"},
        {"status": "shipped", "carrier": "UPS", "tracking_number": f"1Z{uuid.uuid4().hex[:10]}"},
        {"status": "delivered"},
    ):
        answer = admin_status(shop, order_id, **body)
        assert answer.status_code == 200, answer.text


def charge_refunded(payment_intent_id: str, amount: int, refunded: int) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": f"ch_{uuid.uuid4().hex[:14]}",
                "object": "charge",
                "amount": amount,
                "amount_refunded": refunded,
                "refunded": refunded >= amount,
                "payment_intent": payment_intent_id,
            }
        },
    }


def request_return(shop: Shop, shopper: Shopper, order_id: str, **body: Any) -> httpx.Response:
    return httpx.post(
        f"{shop.identity.url}/orders/{order_id}/returns",
        json={"reason": "too small", **body},
        headers=shopper.headers,
        timeout=30,
    )


def admin_return(shop: Shop, return_id: str, step: str, **body: Any) -> httpx.Response:
    return httpx.post(
        f"{shop.identity.url}/admin/returns/{return_id}/{step}",
        json=body,
        headers=shop.admin_headers(),
        timeout=30,
    )


def test_one_line_is_refunded_at_the_price_paid_and_restocked_once(shop: Shop) -> None:
    mug, pen = sku("PRMUG"), sku("PRPEN")
    shop.new_product((mug, "40.00", 10), (pen, "15.00", 10))
    shopper, created = paid_order_of(shop, (mug, 3), (pen, 1))
    order = shop.order(shopper, created["order_id"])
    assert (on_hand(shop, mug), on_hand(shop, pen)) == (7, 9)
    expected = share(order, Decimal("40.00"))

    key = f"refund-{uuid.uuid4().hex}"
    body = {"lines": [{"sku": mug, "quantity": 1}], "restock": True}
    first = refund(shop, created["order_id"], key, **body)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["refund"]["amount"] == f"{expected:.2f}"
    [line] = answer["refund"]["lines"]
    assert (line["sku"], line["quantity"], line["amount"]) == (mug, 1, f"{expected:.2f}")
    assert answer["refund"]["restock"] is True
    assert answer["order"]["status"] == "partially_refunded"
    assert answer["order"]["payment"]["refunded_amount"] == f"{expected:.2f}"
    assert on_hand(shop, mug) == 8  # the one unit back

    # The same key and body: the first refund again, nothing new.
    again = refund(shop, created["order_id"], key, **body)
    assert again.status_code == 201, again.text
    assert again.json()["refund"]["id"] == answer["refund"]["id"]
    # The same key with another body: refused.
    other = refund(shop, created["order_id"], key, lines=[{"sku": pen, "quantity": 1}])
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    # Stripe tells us of our own refund, twice (the same event delivered again).
    event = charge_refunded(
        created["payment_intent_id"], minor(created["amount"]), minor(f"{expected:.2f}")
    )
    assert post_webhook(shop, event).json()["outcome"] == "processed"
    assert post_webhook(shop, event).json()["outcome"] == "duplicate"

    seen = shop.order(shopper, created["order_id"])
    assert seen["status"] == "partially_refunded"
    assert seen["payment"]["refunded_amount"] == f"{expected:.2f}"
    assert [r["amount"] for r in seen["payment"]["refunds"]] == [f"{expected:.2f}"]
    assert on_hand(shop, mug) == 8 and on_hand(shop, pen) == 9
    assert outbox_types(shop, created["order_id"]).count("ORDER_REFUNDED") == 1
    refunds_at_stripe = shop.identity_rows(
        "SELECT count(*) FROM payment_refunds r JOIN payments p ON p.id = r.payment_id "
        "WHERE p.order_id = %s",
        created["order_id"],
    )
    assert refunds_at_stripe == [(1,)]
    # The email says what was refunded.
    [mail] = wait_until(lambda: shop.sent("ORDER_REFUNDED", shopper.email) or None)
    assert f"{expected:.2f}" in mail["subject"]


def paid_order_of(shop: Shop, *cart: tuple[str, int]) -> tuple[Shopper, dict[str, Any]]:
    shopper = shop.new_shopper(*cart)
    created = shop.create_intent(shopper).json()
    assert shop.confirm(shopper, created["order_id"], "pm_card_visa").json()["status"] == "paid"
    return shopper, created


def test_the_line_refunds_add_up_to_what_was_paid_and_then_the_order_is_refunded(
    shop: Shop,
) -> None:
    item = sku("PRALL")
    shop.new_product((item, "33.33", 5))
    shopper, created = paid_order(shop, item, 3)
    order = shop.order(shopper, created["order_id"])
    amounts = []
    for _ in range(3):
        answer = refund(
            shop,
            created["order_id"],
            uuid.uuid4().hex,
            lines=[{"sku": item, "quantity": 1}],
            include_shipping=not amounts,
        )
        assert answer.status_code == 201, answer.text
        amounts.append(Decimal(answer.json()["refund"]["amount"]))
    assert sum(amounts) == Decimal(order["total"])  # the last unit took the remainder
    final = shop.order(shopper, created["order_id"])
    assert final["status"] == "refunded"
    assert final["payment"]["status"] == "refunded"
    assert on_hand(shop, item) == 2  # no restock asked
    # Nothing is left: neither another line nor an amount.
    more = refund(shop, created["order_id"], uuid.uuid4().hex, amount="0.01")
    assert more.status_code == 409, more.text


def test_refunding_more_than_was_paid_is_a_409_and_changes_nothing(shop: Shop) -> None:
    item = sku("PROVR")
    shop.new_product((item, "20.00", 5))
    shopper, created = paid_order(shop, item, 2)
    too_much = Decimal(created["amount"]) + CENT
    answer = refund(shop, created["order_id"], uuid.uuid4().hex, amount=f"{too_much:.2f}")
    assert answer.status_code == 409 and answer.json()["code"] == "refund_exceeds_paid"
    twice = refund(
        shop, created["order_id"], uuid.uuid4().hex, lines=[{"sku": item, "quantity": 3}]
    )
    assert twice.status_code == 409 and twice.json()["code"] == "line_already_refunded"
    no_key = refund(shop, created["order_id"], None, amount="1.00")
    assert no_key.status_code == 422
    order = shop.order(shopper, created["order_id"])
    assert (order["status"], order["payment"]["refunded_amount"]) == ("paid", "0.00")


def test_two_concurrent_refunds_of_one_order_never_over_refund(shop: Shop) -> None:
    item = sku("PRRACE")
    shop.new_product((item, "50.00", 6))
    shopper, created = paid_order(shop, item, 3)
    lines = [{"sku": item, "quantity": 2}]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                lambda _: refund(shop, created["order_id"], uuid.uuid4().hex, lines=lines),
                range(2),
            )
        )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    assert [a.json()["code"] for a in answers if a.status_code == 409] == ["line_already_refunded"]

    shopper, created = paid_order(shop, item, 1)
    most = (Decimal(created["amount"]) * Decimal("0.6")).quantize(CENT)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                lambda _: refund(shop, created["order_id"], uuid.uuid4().hex, amount=f"{most:.2f}"),
                range(2),
            )
        )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    order = shop.order(shopper, created["order_id"])
    assert order["payment"]["refunded_amount"] == f"{most:.2f}"


def test_a_return_is_requested_approved_received_refunded_and_restocked(shop: Shop) -> None:
    item = sku("RTRN")
    shop.new_product((item, "25.00", 5))
    shopper, created = paid_order(shop, item, 2)
    order_id = created["order_id"]
    # Not delivered yet: no return.
    early = request_return(shop, shopper, order_id, lines=[{"sku": item, "quantity": 1}])
    assert early.status_code == 409 and early.json()["code"] == "not_returnable"
    deliver(shop, order_id)
    assert on_hand(shop, item) == 3

    # Someone else's order is not found.
    stranger = shop.new_shopper()
    other = request_return(shop, stranger, order_id, lines=[{"sku": item, "quantity": 1}])
    assert other.status_code == 404

    asked = request_return(shop, shopper, order_id, lines=[{"sku": item, "quantity": 1}])
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "requested"
    return_id = asked.json()["id"]
    # The same unit cannot be asked back twice, the other one can.
    twice = request_return(shop, shopper, order_id, lines=[{"sku": item, "quantity": 2}])
    assert twice.status_code == 409 and twice.json()["code"] == "line_already_returned"

    assert admin_return(shop, return_id, "receive").status_code == 409  # not approved yet
    approved = admin_return(shop, return_id, "approve", note="Use the prepaid label")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    listed = httpx.get(
        f"{shop.identity.url}/admin/returns",
        params={"status": "approved"},
        headers=shop.admin_headers(),
    ).json()
    assert return_id in [r["id"] for r in listed["items"]]

    received = admin_return(shop, return_id, "receive")
    assert received.status_code == 200, received.text
    assert received.json()["status"] == "received"
    assert admin_return(shop, return_id, "receive").status_code == 409  # once
    assert on_hand(shop, item) == 4  # the returned unit is back on the shelf, once

    order = shop.order(shopper, order_id)
    assert order["status"] == "partially_refunded"
    [paid_back] = order["payment"]["refunds"]
    assert paid_back["lines"][0]["quantity"] == 1
    assert paid_back["amount"] == f"{share(order, Decimal('25.00')):.2f}"
    assert [(r["id"], r["status"]) for r in order["returns"]] == [(return_id, "received")]
    # The returned unit is refunded: it can never be returned again; the other one can.
    again = request_return(shop, shopper, order_id, lines=[{"sku": item, "quantity": 2}])
    assert again.status_code == 409 and again.json()["code"] == "line_already_returned"
    rejected_id = request_return(
        shop, shopper, order_id, lines=[{"sku": item, "quantity": 1}]
    ).json()["id"]
    assert admin_return(shop, rejected_id, "reject").json()["status"] == "rejected"

    types = outbox_types(shop, order_id)
    for event_type in (
        "RETURN_REQUESTED",
        "RETURN_APPROVED",
        "RETURN_RECEIVED",
        "RETURN_REJECTED",
        "ORDER_REFUNDED",
    ):
        assert event_type in types
    wait_until(lambda: shop.sent("RETURN_APPROVED", shopper.email) or None)
