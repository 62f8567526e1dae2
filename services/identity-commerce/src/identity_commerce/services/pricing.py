"""Shipping and tax rules: the server's own numbers, never the client's.

- Shipping is a flat rate per order, free once the subtotal reaches the threshold.
- Tax is a rate per shipping country (ISO alpha-2) applied to the subtotal (not to shipping),
  rounded half-up to the cent; countries without a rate get the default rate.
- Stripe takes integer minor units; zero-decimal currencies (JPY, KRW, ...) have no cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Stripe's list of currencies without a minor unit.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"}
)  # fmt: skip


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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

    def shipping_for(self, subtotal: Decimal) -> Decimal:
        if subtotal >= self.free_shipping_threshold:
            return ZERO
        return money(self.flat_shipping)

    def tax_rate_for(self, country: str) -> Decimal:
        return self.tax_rates.get(country.upper(), self.default_tax_rate)

    def tax_for(self, subtotal: Decimal, country: str) -> Decimal:
        return money(subtotal * self.tax_rate_for(country))

    def quote(self, lines: Iterable[PricedLine], *, country: str) -> Quote:
        subtotal = money(sum((line.line_total for line in lines), ZERO))
        return Quote(
            subtotal=subtotal,
            shipping=self.shipping_for(subtotal),
            tax=self.tax_for(subtotal, country),
        )


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Integer amount Stripe expects: cents for USD, whole yen for JPY."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return int((money(amount) * 100).to_integral_value())


def from_minor_units(amount: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return money(amount)
    return money(Decimal(amount) / 100)
