"""Shipping and tax rules: the server's own numbers, never the client's.

- A promo code's discount comes off the subtotal first (services/promotions.py); tax and the
  free-shipping thresholds see the discounted subtotal. total = subtotal - discount +
  shipping + tax (the orders table checks it; refunds and reports rely on it).
- Shipping is the chosen method's price (services/shipping.py); without one, a flat rate per
  order, free once the subtotal reaches the threshold.
- Tax is a rate per shipping country (ISO alpha-2) applied to the discounted subtotal (not
  to shipping), rounded half-up to the cent; countries without a rate get the default rate.
- Amounts round half-up to what the currency can express and go to Stripe in integer minor
  units: shopkit.money, the rule every service shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from shopkit.money import ZERO, from_minor_units, minor_unit_exponent, to_minor_units
from shopkit.money import round_money as money

# Checkout and payments take the money rules from here, next to the prices they apply to.
__all__ = [
    "PricedLine",
    "PricingRules",
    "Quote",
    "from_minor_units",
    "minor_unit_exponent",
    "money",
    "to_minor_units",
]


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
    discount: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return money(self.subtotal - self.discount + self.shipping + self.tax)


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

    def quote(
        self,
        lines: Iterable[PricedLine],
        *,
        country: str,
        discount: Decimal = ZERO,
        shipping: Decimal | None = None,
    ) -> Quote:
        """`discount` at most the subtotal (callers compute it from it); `shipping` the
        chosen method's price, else the flat rule on the discounted subtotal."""
        subtotal = money(sum((line.line_total for line in lines), ZERO))
        discount = min(money(discount, self.currency), subtotal)
        discounted = subtotal - discount
        return Quote(
            subtotal=subtotal,
            discount=discount,
            shipping=self.shipping_for(discounted) if shipping is None else shipping,
            tax=self.tax_for(discounted, country),
        )

    @staticmethod
    def subtotal_of(lines: Iterable[PricedLine]) -> Decimal:
        return money(sum((line.line_total for line in lines), ZERO))
