"""Money as every service stores, computes and shows it: one rounding rule for the shop.

- An amount is a `Decimal`, stored as NUMERIC(12,2) and never a float.
- Rounding is half-up, to what the currency can express per ISO 4217: cents for USD, whole
  yen for JPY (`round_money`). Amounts keep two stored decimals whatever the currency, so a
  currency without minor units rounds to whole units and one with three decimals uses
  multiples of ten minor units.
- Payment providers take integer minor units, as many per unit as ISO 4217 says: 100 cents
  to the dollar, 1 yen to the yen, 1000 fils to the Kuwaiti dinar (`to_minor_units`).
- In JSON, money is a string with two decimals ("19.99"), always next to its currency
  (`Money`); requests may send "19.99" or 19.99 (`MoneyIn`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
from sqlalchemy import Numeric

from shopkit.fields import matching

STORED_DECIMALS = 2  # NUMERIC(12,2) everywhere
CENT = Decimal(1).scaleb(-STORED_DECIMALS)
ZERO = Decimal("0.00")
# Column type of every amount: ten integer digits, two decimals.
MoneyColumn = Numeric(12, STORED_DECIMALS)

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


def round_money(value: Decimal | int | str, currency: str | None = None) -> Decimal:
    """The amount as stored: two decimals, rounded half-up to what `currency` can express
    (whole yen for JPY); without a currency, to the cent."""
    amount = Decimal(value)
    if currency is not None and minor_unit_exponent(currency) < STORED_DECIMALS:
        step = Decimal(1).scaleb(-minor_unit_exponent(currency))
        amount = amount.quantize(step, rounding=ROUND_HALF_UP)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """The integer amount a payment provider expects: 1999 for 19.99 USD, 1500 for 1500 JPY,
    12350 for 12.35 KWD. An amount finer than the currency allows is rounded half-up."""
    minor = Decimal(amount).scaleb(minor_unit_exponent(currency))
    return int(minor.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    """The stored amount (two decimals) for a provider's integer amount."""
    return round_money(Decimal(amount).scaleb(-minor_unit_exponent(currency)))


def money_string(value: Decimal) -> str:
    return str(round_money(value))


# Response money: always a JSON string with two decimals ("19.90"), never a float.
Money = Annotated[
    Decimal,
    PlainSerializer(money_string, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["19.99"]}),
]

# Request money: a non-negative amount with at most two decimals and ten integer digits.
MONEY_STRING = r"^[0-9]{1,10}(?:\.[0-9]{1,2})?$"
MONEY_MAX = Decimal("9999999999.99")


def _amount(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError('must be an amount such as "19.99" or 19.99')
    if isinstance(value, str):
        matching(MONEY_STRING, 'must be an amount such as "19.99"')(value)
    return value


# Given as "19.99" or 19.99; the string form is checked against the pattern the schema shows.
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_amount),
    Field(ge=0, le=MONEY_MAX, max_digits=12, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(money_string, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 9999999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": MONEY_STRING},
            ],
            "examples": ["19.99"],
        }
    ),
]


def _amount_never_a_float(value: Any) -> Any:
    # A JSON number like 19.99 has already been through a binary float: refuse it rather
    # than print a rounded amount in a customer's email. Whole amounts may be JSON integers
    # (19 or 19.0: JSON Schema's integer), which a float holds exactly.
    whole_float = isinstance(value, float) and value.is_integer()
    if isinstance(value, bool) or not (isinstance(value, str | int) or whole_float):
        raise ValueError('money must be a decimal string like "19.99", not a JSON number')
    if isinstance(value, str):
        matching(MONEY_STRING, 'money must be a decimal string like "19.99"')(value)
    return value


# Money between services (event payloads): "19.99" or a whole number, never a fraction that
# went through a float on the way.
ExactMoneyIn = Annotated[
    Decimal,
    BeforeValidator(_amount_never_a_float),
    Field(ge=0, le=MONEY_MAX, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_STRING},
                {"type": "integer", "minimum": 0, "maximum": 9999999999},
            ],
            "examples": ["19.99"],
        }
    ),
]

# ISO 4217 alphabetic code as the services exchange it.
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]
