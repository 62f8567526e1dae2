"""Types shared by the schemas: money as a 2-decimal string, currency codes, pages."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")


def storable_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot encode a lone surrogate: refuse
    both at the edge (422) instead of failing in the database (500)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


# Every free-text input goes through this.
SafeText = Annotated[str, AfterValidator(storable_text)]


def money_string(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


# Output money: always a JSON string with two decimals ("19.90"), never a float.
Money = Annotated[
    Decimal,
    PlainSerializer(money_string, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["19.99"]}),
]

# Input money: a non-negative amount with at most two decimals, given as "19.99" or 19.99.
MoneyIn = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(money_string, return_type=str, when_used="json"),
]

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]


class ErrorBody(BaseModel):
    detail: str


class Shortage(BaseModel):
    sku: str
    requested: int
    available: int


class ConflictBody(BaseModel):
    detail: str
    shortages: list[Shortage] | None = None
