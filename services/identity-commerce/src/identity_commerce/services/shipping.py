"""Shipping methods: which apply to a country, what each costs for a cart, which one an
order gets.

- A method belongs to a zone (a set of countries). A country gets the active methods of
  every zone that lists it; a country no zone lists gets those of the zones without
  countries ("rest of world").
- A method costs its price, or nothing once the discounted subtotal reaches its
  `free_over`.
- With no active method configured at all, the flat rule in settings applies, shown as
  "Standard" with id null (`FALLBACK_NAME`): a fresh database (and every test that does
  not configure methods) still sells as before methods existed. `make seed` configures
  "Standard" and an "Express" example from the same settings.
- Checkout takes `shipping_method_id`, or the cheapest for the cart (ties: by name).

Checkout reads the methods in the statement that locks the buyer's row (`options_column`):
the checkout's SQL budget (docs/benchmarks-checkout-sql.md) has no statement to spare.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopkit.errors import Conflict
from shopkit.money import ZERO, round_money
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.core.config import Settings
from identity_commerce.models import ShippingMethod, ShippingZone

FALLBACK_NAME = "Standard"


@dataclass(frozen=True)
class ShippingOption:
    id: uuid.UUID | None  # None: the settings' flat rule
    name: str
    price: Decimal
    free_over: Decimal | None
    delivery_estimate: str | None
    countries: tuple[str, ...] = ()  # its zone's; empty: rest of world

    def price_for(self, subtotal: Decimal, currency: str | None = None) -> Decimal:
        if self.free_over is not None and subtotal >= self.free_over:
            return ZERO
        return round_money(self.price, currency)


class ShippingMethodUnavailable(Conflict):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="shipping_method_unavailable")


def fallback(settings: Settings) -> ShippingOption:
    return ShippingOption(
        id=None,
        name=FALLBACK_NAME,
        price=settings.shipping_flat_rate,
        free_over=settings.free_shipping_threshold,
        delivery_estimate=None,
    )


def options_column() -> ScalarSelect[Any]:
    """Every active method with its zone's countries, as one JSON array (a column to add
    to a statement the checkout runs anyway)."""
    method = ShippingMethod
    zone = ShippingZone
    return (
        select(
            func.coalesce(
                func.json_agg(
                    func.json_build_object(
                        "id",
                        method.id,
                        "name",
                        method.name,
                        "price",
                        method.price,
                        "free_over",
                        method.free_over,
                        "delivery_estimate",
                        method.delivery_estimate,
                        "countries",
                        zone.countries,
                    )
                ),
                func.json_build_array(),
            )
        )
        .select_from(method)
        .join(zone, zone.id == method.zone_id)
        .where(method.active.is_(True))
        .scalar_subquery()
    )


def options_from_json(rows: Sequence[dict[str, Any]] | None) -> list[ShippingOption]:
    return [
        ShippingOption(
            id=uuid.UUID(row["id"]),
            name=row["name"],
            price=Decimal(str(row["price"])),
            free_over=None if row["free_over"] is None else Decimal(str(row["free_over"])),
            delivery_estimate=row["delivery_estimate"],
            countries=tuple(row["countries"] or ()),
        )
        for row in rows or ()
    ]


async def active_options(session: AsyncSession) -> list[ShippingOption]:
    rows = await session.scalar(select(options_column()))
    return options_from_json(rows)


def applicable(
    options: Iterable[ShippingOption], country: str, settings: Settings
) -> list[ShippingOption]:
    """The methods for `country`, in name order; the fallback when none is configured."""
    options = list(options)
    if not options:
        return [fallback(settings)]
    country = country.upper()
    listed = [o for o in options if country in o.countries]
    chosen = listed or [o for o in options if not o.countries]
    return sorted(chosen, key=lambda o: (o.name, str(o.id)))


def choose(
    options: Sequence[ShippingOption],
    subtotal: Decimal,
    *,
    method_id: uuid.UUID | None,
    currency: str | None = None,
) -> ShippingOption:
    """The requested method (409 `shipping_method_unavailable` unless it applies), or the
    cheapest for this subtotal."""
    if method_id is not None:
        for option in options:
            if option.id == method_id:
                return option
        raise ShippingMethodUnavailable("This shipping method is not offered for this address")
    if not options:
        raise ShippingMethodUnavailable("No shipping method is offered for this address")
    return min(options, key=lambda o: (o.price_for(subtotal, currency), o.name))
