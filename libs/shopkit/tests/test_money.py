"""One rounding rule for money in every service: half-up, to what the currency can express."""

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError
from shopkit.money import (
    ExactMoneyIn,
    Money,
    from_minor_units,
    minor_unit_exponent,
    round_money,
    to_minor_units,
)


class Priced(BaseModel):
    amount: Money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.125", "0.13"),  # half-up; half-even would show 0.12
        ("0.135", "0.14"),
        ("19.9", "19.90"),
        ("7", "7.00"),
        ("-0.125", "-0.13"),
    ],
)
def test_response_money_is_a_two_decimal_string_rounded_half_up(amount: str, shown: str) -> None:
    assert Priced(amount=Decimal(amount)).model_dump(mode="json") == {"amount": shown}


def test_response_money_stays_a_decimal_in_python() -> None:
    assert Priced(amount=Decimal("1.5")).model_dump() == {"amount": Decimal("1.5")}


@pytest.mark.parametrize(
    ("amount", "currency", "stored"),
    [
        ("0.125", None, "0.13"),
        ("0.125", "USD", "0.13"),
        ("1499.5", "JPY", "1500.00"),  # no minor unit: whole yen, half-up
        ("1.2345", "KWD", "1.23"),  # three decimals, stored with two
    ],
)
def test_amounts_round_half_up_to_the_currency_exponent(
    amount: str, currency: str | None, stored: str
) -> None:
    assert round_money(amount, currency) == Decimal(stored)


def test_minor_units_follow_iso_4217() -> None:
    assert [minor_unit_exponent(c) for c in ("USD", "jpy", "KWD", "CLF")] == [2, 0, 3, 4]
    assert to_minor_units(Decimal("19.99"), "USD") == 1999
    assert to_minor_units(Decimal("1500.00"), "JPY") == 1500
    assert to_minor_units(Decimal("12.35"), "KWD") == 12350
    assert from_minor_units(12350, "KWD") == Decimal("12.35")
    assert from_minor_units(1500, "JPY") == Decimal("1500.00")


class Payload(BaseModel):
    total: ExactMoneyIn


@pytest.mark.parametrize(("sent", "kept"), [("19.99", "19.99"), (19, "19"), (19.0, "19")])
def test_exact_money_takes_strings_and_whole_numbers(sent: object, kept: str) -> None:
    assert Payload.model_validate({"total": sent}).total == Decimal(kept)


@pytest.mark.parametrize("sent", [19.99, True, "19.999", "-1", "1e3", None])
def test_exact_money_refuses_what_went_through_a_float_or_is_no_amount(sent: object) -> None:
    with pytest.raises(ValidationError):
        Payload.model_validate({"total": sent})
