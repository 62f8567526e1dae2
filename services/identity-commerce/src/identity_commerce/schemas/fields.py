"""Reusable validated field types for request bodies.

Each rule is checked on the value as sent, with the same pattern the OpenAPI document shows
(`shopkit.fields`), and the value is normalised afterwards (trimmed, lower- or upper-cased,
phone separators removed): a request built from the schema is accepted, and one the schema
rules out is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, Field
from shopkit.fields import EMAIL_ADDRESS, SINGLE_LINE, WHITESPACE, Documented, matching, trim


def _encodable(value: str) -> str:
    """Passwords may hold any character that has a UTF-8 encoding (a NUL included)."""
    if any(unicodedata.category(char) == "Cs" for char in value):
        raise ValueError("must be valid Unicode text")
    return value


def _trimmed(value: str) -> str:
    return trim(value)


def _lower(value: str) -> str:
    return trim(value).lower()


def _upper(value: str) -> str:
    return trim(value).upper()


def text(max_length: int, *, min_length: int = 1, normalise: Any = _trimmed) -> Any:
    """Annotated metadata for one line of text, not blank, at most `max_length` characters
    as sent, trimmed afterwards."""
    return (
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(matching(SINGLE_LINE, "must not be blank or contain control characters")),
        AfterValidator(_encodable),  # a lone surrogate: JSON can carry one, UTF-8 cannot
        AfterValidator(normalise),
        Documented.keywords(pattern=SINGLE_LINE),
    )


# An address notifications can send to (shopkit.fields.EMAIL_ADDRESS: ASCII, a dot in the
# domain, no quoted or bracketed forms); surrounding whitespace is trimmed and the address
# lower-cased.
EMAIL_PATTERN = rf"^[{WHITESPACE}]*{EMAIL_ADDRESS}[{WHITESPACE}]*$"

# Separators people write in phone numbers; they are removed before storing.
_PHONE_SEPARATORS = rf"[{WHITESPACE}().\-]"
# 7 to 15 digits, optionally after a +, separators anywhere; empty (or only separators)
# means no phone.
PHONE_PATTERN = (
    rf"^{_PHONE_SEPARATORS}*(?:(?:\+{_PHONE_SEPARATORS}*)?(?:[0-9]{_PHONE_SEPARATORS}*){{7,15}})?$"
)


def _normalise_phone(value: str | None) -> str | None:
    """'+1 (555) 010-0100' -> '+15550100100'; SMS providers want digits only."""
    if value is None:
        return None
    compact = re.sub(_PHONE_SEPARATORS, "", value)
    return compact or None


def _country_pattern() -> str:
    """The ISO 3166-1 alpha-2 codes (pycountry), in either letter case, as one pattern:
    `[Aa][DdEeFf...]|[Bb][...]|...` (JSON Schema has no case-insensitive flag)."""
    second_letters: dict[str, list[str]] = defaultdict(list)
    for country in pycountry.countries:
        second_letters[country.alpha_2[0]].append(country.alpha_2[1])
    alternatives = [
        f"[{first}{first.lower()}][{''.join(f'{c}{c.lower()}' for c in sorted(seconds))}]"
        for first, seconds in sorted(second_letters.items())
    ]
    return rf"^[{WHITESPACE}]*(?:{'|'.join(alternatives)})[{WHITESPACE}]*$"


COUNTRY_PATTERN = _country_pattern()


Email = Annotated[
    str,
    Field(max_length=320),
    AfterValidator(matching(EMAIL_PATTERN, "not a valid email address")),
    AfterValidator(_lower),
    # no `format: email`: the pattern is the rule (and allows the whitespace it trims)
    Documented.keywords(pattern=EMAIL_PATTERN),
]
# Login takes any string: a malformed email is simply a failed login (401), not a hint.
LoginEmail = Annotated[str, *text(320, normalise=_lower)]
# Upper bound keeps a hostile multi-megabyte "password" away from the hasher.
NewPassword = Annotated[str, Field(min_length=8, max_length=128), AfterValidator(_encodable)]
AnyPassword = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_encodable)]
PersonName = Annotated[str, *text(100)]
Phone = Annotated[
    Annotated[
        str,
        Field(max_length=32),
        AfterValidator(
            matching(PHONE_PATTERN, "phone must be 7 to 15 digits, optionally starting with +")
        ),
        Documented.keywords(pattern=PHONE_PATTERN),
    ]
    | None,
    AfterValidator(_normalise_phone),
]
CountryCode = Annotated[
    str,
    AfterValidator(
        matching(COUNTRY_PATTERN, "country must be an ISO 3166-1 alpha-2 code such as US or DE")
    ),
    AfterValidator(_upper),
    Documented.keywords(
        pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2 code, either letter case"
    ),
]
