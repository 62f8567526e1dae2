"""Field types the catalog's schemas share beyond shopkit's (shopkit.fields, shopkit.money)."""

from typing import Any

from pydantic import AfterValidator, BaseModel, Field
from shopkit.fields import NUL_FREE_NOT_BLANK, Documented, matching, storable_text, trim


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


class Shortage(BaseModel):
    sku: str
    requested: int
    available: int


class StockConflict(BaseModel):
    """409 of a reservation: `shortages` lists the lines that are short (none when the id
    was used for other items)."""

    detail: str
    shortages: list[Shortage] | None = None
