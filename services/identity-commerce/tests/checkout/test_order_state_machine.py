"""The order state machine (services/orders_state_machine.py) as
docs/api/identity-commerce-orders.md states it."""

import pytest
from identity_commerce.services.orders_state_machine import (
    ADMIN_SETTABLE,
    FINAL_STATUSES,
    STOCK_RETURNS_ON_REFUND,
    TRANSITIONS,
    IllegalTransition,
    OrderStatus,
    can_transition,
    ensure_transition,
)

S = OrderStatus
ALLOWED = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.PAYMENT_FAILED),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PENDING_PAYMENT, S.EXPIRED),
    (S.PAID, S.PROCESSING),
    (S.PAID, S.CANCELLED),
    (S.PAID, S.REFUNDED),
    (S.PROCESSING, S.SHIPPED),
    (S.PROCESSING, S.CANCELLED),
    (S.PROCESSING, S.REFUNDED),
    (S.SHIPPED, S.DELIVERED),
    (S.SHIPPED, S.REFUNDED),
    (S.DELIVERED, S.REFUNDED),
    # partial refunds: from any paid status, again, and the order goes on afterwards
    (S.PAID, S.PARTIALLY_REFUNDED),
    (S.PROCESSING, S.PARTIALLY_REFUNDED),
    (S.SHIPPED, S.PARTIALLY_REFUNDED),
    (S.DELIVERED, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.PROCESSING),
    (S.PARTIALLY_REFUNDED, S.SHIPPED),
    (S.PARTIALLY_REFUNDED, S.DELIVERED),
    (S.PARTIALLY_REFUNDED, S.REFUNDED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_exactly_the_contract_transitions_are_allowed(current: S, target: S) -> None:
    assert can_transition(current, target) == ((current, target) in ALLOWED)


def test_every_status_has_a_rule() -> None:
    assert set(TRANSITIONS) == set(S)


def test_final_statuses() -> None:
    assert FINAL_STATUSES == {S.PAYMENT_FAILED, S.CANCELLED, S.EXPIRED, S.REFUNDED}


def test_illegal_step_is_a_409_naming_what_is_allowed() -> None:
    with pytest.raises(IllegalTransition) as illegal:
        ensure_transition("shipped", "paid")
    assert illegal.value.status_code == 409
    assert illegal.value.body() == {
        "detail": "An order in status 'shipped' cannot become 'paid'",
        "current_status": "shipped",
        "allowed": ["delivered", "partially_refunded", "refunded"],
    }


@pytest.mark.parametrize(
    "after", [S.PROCESSING, S.SHIPPED, S.DELIVERED, S.PAID, S.PARTIALLY_REFUNDED]
)
def test_a_refunded_order_can_never_ship_or_be_paid_again(after: S) -> None:
    with pytest.raises(IllegalTransition):
        ensure_transition(S.REFUNDED, after)


def test_stock_goes_back_only_for_orders_paid_and_not_shipped() -> None:
    assert STOCK_RETURNS_ON_REFUND == {S.PAID, S.PROCESSING}
    assert all(can_transition(status, S.REFUNDED) for status in STOCK_RETURNS_ON_REFUND)


def test_legal_step_returns_the_target() -> None:
    assert ensure_transition("paid", "processing") is S.PROCESSING


def test_admins_cannot_mark_orders_paid_by_hand() -> None:
    assert S.PAID not in ADMIN_SETTABLE
    assert S.EXPIRED not in ADMIN_SETTABLE
