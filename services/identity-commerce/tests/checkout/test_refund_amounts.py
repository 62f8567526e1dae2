"""What a partial refund gives back (services/refunds.py `plan_refund`), one rule at a time:
lines at the price paid (their share of discount and tax, half-up to the cent), the last
units taking the exact remainder, shipping only when asked, and the 409s."""

from __future__ import annotations

from decimal import Decimal

import pytest
from identity_commerce.models import Order, OrderItem
from identity_commerce.services.refunds import (
    LineRequest,
    RefundRefused,
    line_share,
    plan_refund,
)

D = Decimal


def order(
    items: list[tuple[str, str, int]],
    *,
    discount: str = "0.00",
    tax: str = "0.00",
    shipping: str = "0.00",
) -> Order:
    lines = [
        OrderItem(
            sku=sku,
            name=f"Item {sku}",
            unit_price=D(price),
            quantity=quantity,
            line_total=D(price) * quantity,
            refunded_quantity=0,
        )
        for sku, price, quantity in items
    ]
    subtotal = sum((line.line_total for line in lines), D("0.00"))
    return Order(
        subtotal=subtotal,
        discount=D(discount),
        tax=D(tax),
        shipping=D(shipping),
        total=subtotal - D(discount) + D(tax) + D(shipping),
        items=lines,
    )


def plan(o: Order, lines: list[tuple[str, int]], **kwargs: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "amount": None,
        "include_shipping": False,
        "goods_refunded": D("0.00"),
        "shipping_refunded": D("0.00"),
        "money_left": o.total,
        **kwargs,
    }
    return plan_refund(
        o,
        items=o.items,
        lines=[LineRequest(sku, quantity) for sku, quantity in lines],
        **args,  # type: ignore[arg-type]
    )


def test_a_line_is_refunded_at_its_price_with_its_share_of_discount_and_tax() -> None:
    # subtotal 100, 10 off, 8% tax on the 90 (7.20), 5 shipping: the goods cost 97.20
    o = order([("A", "30.00", 1), ("B", "70.00", 1)], discount="10.00", tax="7.20", shipping="5")
    refund = plan(o, [("A", 1)])
    assert refund.amount == D("29.16")  # 30 x 97.20 / 100
    assert [(p.sku, p.quantity, p.amount) for p in refund.lines] == [("A", 1, D("29.16"))]
    assert refund.shipping_amount == 0


def test_rounding_is_half_up_to_the_cent() -> None:
    o = order([("A", "0.10", 1), ("B", "0.90", 1)], tax="0.05")  # goods cost 1.05 of 1.00
    assert line_share(o, D("0.10")) == D("0.11")  # 0.105 -> 0.11, not banker's 0.10


def test_the_last_units_take_the_exact_remainder() -> None:
    # three lines of 1.00 with 0.10 off: each share is 0.9666... -> 0.97, and 3 x 0.97 would
    # be 2.91, a cent more than the 2.90 paid
    o = order([("A", "1.00", 1), ("B", "1.00", 1), ("C", "1.00", 1)], discount="0.10")
    first = plan(o, [("A", 1)])
    assert first.amount == D("0.97")  # 2.90 / 3 = 0.9666
    o.items[0].refunded_quantity = 1
    second = plan(o, [("B", 1)], goods_refunded=D("0.97"))
    assert second.amount == D("0.97")
    o.items[1].refunded_quantity = 1
    last = plan(o, [("C", 1)], goods_refunded=D("1.94"))
    assert last.amount == D("0.96")  # 2.90 - 1.94: the sum is what was paid for goods
    assert first.amount + second.amount + last.amount == o.total - o.shipping


def test_shipping_only_when_asked_and_only_once() -> None:
    o = order([("A", "10.00", 2)], shipping="4.99")
    assert plan(o, [("A", 1)]).amount == D("10.00")
    with_shipping = plan(o, [("A", 1)], include_shipping=True)
    assert (with_shipping.amount, with_shipping.shipping_amount) == (D("14.99"), D("4.99"))
    again = plan(o, [("A", 1)], include_shipping=True, shipping_refunded=D("4.99"))
    assert again.amount == D("10.00")


def test_an_amount_replaces_the_computed_sum() -> None:
    o = order([("A", "10.00", 2)])
    refund = plan(o, [("A", 1)], amount=D("3.50"))
    assert refund.amount == D("3.50") and refund.goods_amount == D("10.00")


def test_more_money_than_is_left_is_a_409() -> None:
    o = order([("A", "10.00", 2)])
    with pytest.raises(RefundRefused) as refused:
        plan(o, [], amount=D("20.01"))
    assert refused.value.extra["code"] == "refund_exceeds_paid"
    with pytest.raises(RefundRefused) as refused:
        plan(o, [("A", 2)], money_left=D("15.00"))
    assert refused.value.extra["code"] == "refund_exceeds_paid"


def test_units_already_refunded_are_a_409() -> None:
    o = order([("A", "10.00", 2)])
    o.items[0].refunded_quantity = 1
    with pytest.raises(RefundRefused) as refused:
        plan(o, [("A", 1), ("A", 1)])  # the same sku twice counts together
    assert refused.value.extra["code"] == "line_already_refunded"
    assert refused.value.extra["refundable_quantity"] == 1


def test_an_unknown_sku_and_nothing_at_all_are_409s() -> None:
    o = order([("A", "10.00", 2)])
    with pytest.raises(RefundRefused) as refused:
        plan(o, [("NOPE", 1)])
    assert refused.value.extra["code"] == "unknown_line"
    with pytest.raises(RefundRefused) as refused:
        plan(o, [])
    assert refused.value.extra["code"] == "nothing_to_refund"
