"""A payment's recorded status only moves forward (services/payments.py, as data)."""

import pytest
from identity_commerce.services.payments import (
    OPEN_STAGE,
    PAYMENT_STATUS_STAGES,
    payment_status_may_become,
)

OPEN = [s for s, stage in PAYMENT_STATUS_STAGES.items() if stage == OPEN_STAGE]


@pytest.mark.parametrize("current", OPEN)
@pytest.mark.parametrize("new", [*OPEN, "canceled", "succeeded", "refunded"])
def test_an_open_payment_may_become_anything(current: str, new: str) -> None:
    assert payment_status_may_become(current, new)


@pytest.mark.parametrize("stale", [*OPEN, "canceled"])
def test_nothing_older_overwrites_a_succeeded_payment(stale: str) -> None:
    assert not payment_status_may_become("succeeded", stale)
    assert payment_status_may_become("succeeded", "refunded")


@pytest.mark.parametrize("stale", [*OPEN, "canceled", "succeeded"])
def test_a_refunded_payment_stays_refunded(stale: str) -> None:
    assert not payment_status_may_become("refunded", stale)


def test_stripe_saying_a_cancelled_intent_was_paid_wins_over_the_shops_assumption() -> None:
    assert payment_status_may_become("canceled", "succeeded")
    assert not payment_status_may_become("canceled", "requires_payment_method")


def test_every_stripe_payment_intent_status_has_a_stage() -> None:
    stripe_statuses = {
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "requires_capture",
        "canceled",
        "succeeded",
    }
    assert stripe_statuses <= set(PAYMENT_STATUS_STAGES)
