"""Shipping, tax and minor-unit rules (services/pricing.py)."""

from decimal import Decimal

import pytest
from identity_commerce.services.pricing import (
    PricedLine,
    PricingRules,
    Quote,
    from_minor_units,
    minor_unit_exponent,
    money,
    to_minor_units,
)

RULES = PricingRules(
    flat_shipping=Decimal("9.99"),
    free_shipping_threshold=Decimal("100.00"),
    tax_rates={"US": Decimal("0.08"), "DE": Decimal("0.19")},
    default_tax_rate=Decimal("0.05"),
)


# A shop that sells in yen: amounts round to whole yen.
YEN_RULES = PricingRules(
    flat_shipping=Decimal("9.99"),
    free_shipping_threshold=Decimal("10000"),
    tax_rates={"JP": Decimal("0.08")},
    default_tax_rate=Decimal("0"),
    currency="JPY",
)


def amounts(quote: Quote) -> tuple[str, str, str, str]:
    """A quote's subtotal, shipping, tax and total, written out as the API shows them."""
    return (str(quote.subtotal), str(quote.shipping), str(quote.tax), str(quote.total))


def test_contract_example_free_shipping_and_us_tax() -> None:
    quote = RULES.quote([PricedLine("LAP-13-16GB", Decimal("999.00"), 1)], country="US")
    assert amounts(quote) == ("999.00", "0.00", "79.92", "1078.92")


def test_a_yen_shop_rounds_tax_and_shipping_to_whole_yen() -> None:
    quote = YEN_RULES.quote([PricedLine("TEA", Decimal("1499"), 1)], country="JP")
    assert amounts(quote) == ("1499.00", "10.00", "120.00", "1629.00")
    assert to_minor_units(quote.total, "JPY") == 1629


def test_flat_shipping_below_threshold_and_free_at_it() -> None:
    assert RULES.shipping_for(Decimal("99.99")) == Decimal("9.99")
    assert RULES.shipping_for(Decimal("100.00")) == Decimal("0.00")


def test_tax_is_on_the_subtotal_rounded_half_up() -> None:
    # 2 x 10.05 = 20.10; 19% = 3.819 -> 3.82
    quote = RULES.quote([PricedLine("A", Decimal("10.05"), 2)], country="de")
    assert quote.subtotal == Decimal("20.10")
    assert quote.tax == Decimal("3.82")
    assert quote.total == Decimal("20.10") + Decimal("9.99") + Decimal("3.82")


def test_unknown_country_uses_the_default_rate() -> None:
    assert RULES.tax_rate_for("JP") == Decimal("0.05")


def test_line_total_multiplies_exactly() -> None:
    assert PricedLine("A", Decimal("0.10"), 3).line_total == Decimal("0.30")


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("1078.92"), "USD", 107892),
        (Decimal("0.01"), "eur", 1),
        (Decimal("19.99"), "USD", 1999),
        (Decimal("500"), "JPY", 500),
        # currencies with zero and three decimals
        (Decimal("1619.00"), "JPY", 1619),
        (Decimal("12.35"), "KWD", 12350),
        (Decimal("0.01"), "KWD", 10),
        (Decimal("23.33"), "BHD", 23330),
    ],
)
def test_minor_units_round_trip(amount: Decimal, currency: str, minor: int) -> None:
    assert to_minor_units(amount, currency) == minor
    assert from_minor_units(minor, currency) == amount.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [("USD", 2), ("eur", 2), ("JPY", 0), ("KRW", 0), ("ISK", 0), ("KWD", 3), ("BHD", 3),
     ("TND", 3), ("CLF", 4)],
)  # fmt: skip
def test_minor_unit_exponents_follow_iso_4217(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent


def test_three_decimal_amounts_from_stripe_are_stored_to_the_cent() -> None:
    assert from_minor_units(12345, "KWD") == Decimal("12.35")


def test_money_without_a_currency_rounds_to_the_cent() -> None:
    assert money("0.125") == Decimal("0.13")
    assert money("0.5", "JPY") == Decimal("1.00")
