"""Types shared by the schemas: money as a 2-decimal string, currency codes, pages."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from shopkit.fields import NUL_FREE, NUL_FREE_NOT_BLANK, Documented, matching, trim

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
SafeText = Annotated[str, AfterValidator(storable_text), Documented.keywords(pattern=NUL_FREE)]


def trimmed_text(max_length: int) -> Any:
    """Annotated metadata of a name or title: not blank, at most `max_length` characters as
    sent (what the schema says), surrounding whitespace trimmed afterwards."""
    return (
        Field(min_length=1, max_length=max_length),
        AfterValidator(storable_text),
        AfterValidator(matching(NUL_FREE_NOT_BLANK, "must not be blank")),
        AfterValidator(trim),
        Documented.keywords(pattern=NUL_FREE_NOT_BLANK),
    )


def money_string(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


# Output money: always a JSON string with two decimals ("19.90"), never a float.
Money = Annotated[
    Decimal,
    PlainSerializer(money_string, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["19.99"]}),
]

# Input money: a non-negative amount with at most two decimals and ten integer digits, given
# as "19.99" or 19.99; the string form is checked against the pattern the schema shows.
MONEY_STRING = r"^[0-9]{1,10}(?:\.[0-9]{1,2})?$"
MONEY_MAX = Decimal("9999999999.99")


def _money_input(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError('must be an amount such as "19.99" or 19.99')
    if isinstance(value, str):
        matching(MONEY_STRING, 'must be an amount such as "19.99"')(value)
    return value


MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_money_input),
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
