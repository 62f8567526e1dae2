"""Shipping and tax rules: the server's own numbers, never the client's.

- Shipping is a flat rate per order, free once the subtotal reaches the threshold.
- Tax is a rate per shipping country (ISO alpha-2) applied to the subtotal (not to shipping),
  rounded half-up to the cent; countries without a rate get the default rate.
- Stripe takes integer minor units, as many per unit as ISO 4217 says: 100 cents to the
  dollar, 1 yen to the yen, 1000 fils to the Kuwaiti dinar (MINOR_UNIT_EXPONENTS).
- Amounts are stored with two decimals (NUMERIC(12,2)), so a shop selling in a currency
  without minor units rounds its amounts to whole units, and one with three decimals uses
  multiples of ten minor units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
STORED_DECIMALS = 2  # NUMERIC(12,2) everywhere
# ISO 4217 minor-unit exponents that are not 2 (every other active code has 2 decimals).
MINOR_UNIT_EXPONENTS: dict[str, int] = {
    # no minor unit
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # thousandths
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # ten-thousandths (units of account)
    "CLF": 4, "UYW": 4,
}  # fmt: skip


def minor_unit_exponent(currency: str) -> int:
    """Decimals of `currency` per ISO 4217 (2 unless the table says otherwise)."""
    return MINOR_UNIT_EXPONENTS.get(currency.upper(), 2)


def money(value: Decimal | int | str, currency: str | None = None) -> Decimal:
    """The amount as stored: two decimals, rounded half-up to what `currency` can express
    (whole yen for JPY); without a currency, to the cent."""
    amount = Decimal(value)
    if currency is not None and minor_unit_exponent(currency) < STORED_DECIMALS:
        step = Decimal(1).scaleb(-minor_unit_exponent(currency))
        amount = amount.quantize(step, rounding=ROUND_HALF_UP)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricedLine:
    sku: str
    unit_price: Decimal
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Quote:
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return money(self.subtotal + self.shipping + self.tax)


@dataclass(frozen=True)
class PricingRules:
    flat_shipping: Decimal
    free_shipping_threshold: Decimal
    tax_rates: Mapping[str, Decimal]
    default_tax_rate: Decimal
    currency: str = "USD"

    def shipping_for(self, subtotal: Decimal) -> Decimal:
        if subtotal >= self.free_shipping_threshold:
            return ZERO
        return money(self.flat_shipping, self.currency)

    def tax_rate_for(self, country: str) -> Decimal:
        return self.tax_rates.get(country.upper(), self.default_tax_rate)

    def tax_for(self, subtotal: Decimal, country: str) -> Decimal:
        return money(subtotal * self.tax_rate_for(country), self.currency)

    def quote(self, lines: Iterable[PricedLine], *, country: str) -> Quote:
        subtotal = money(sum((line.line_total for line in lines), ZERO))
        return Quote(
            subtotal=subtotal,
            shipping=self.shipping_for(subtotal),
            tax=self.tax_for(subtotal, country),
        )


def to_minor_units(amount: Decimal, currency: str) -> int:
    """The integer amount Stripe expects: 1999 for 19.99 USD, 1500 for 1500 JPY, 12350 for
    12.35 KWD. An amount finer than the currency allows is rounded half-up."""
    exponent = minor_unit_exponent(currency)
    minor = Decimal(amount).scaleb(exponent)
    return int(minor.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    """The stored amount (two decimals) for Stripe's integer amount."""
    return money(Decimal(amount).scaleb(-minor_unit_exponent(currency)))
