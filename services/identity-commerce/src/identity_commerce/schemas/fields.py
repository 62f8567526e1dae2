"""Reusable validated field types for request bodies."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, EmailStr, Field, StringConstraints

_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_PHONE = re.compile(r"^\+?[0-9]{7,15}$")


def _printable(value: str | None) -> str | None:
    """Refuse control characters (NUL, escapes) and lone surrogates: PostgreSQL cannot store
    NUL, UTF-8 cannot encode a lone surrogate, and neither belongs in a name or address."""
    if value is not None and any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        raise ValueError("must not contain control characters")
    return value


def _encodable(value: str) -> str:
    """Passwords may hold any character that has a UTF-8 encoding (a NUL included)."""
    if any(unicodedata.category(char) == "Cs" for char in value):
        raise ValueError("must be valid Unicode text")
    return value


def text(max_length: int, *, min_length: int = 1) -> Any:
    """Annotated metadata for a trimmed, printable string of bounded length."""
    return (
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_printable),
    )


def _strip_lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _normalise_phone(value: str | None) -> str | None:
    """'+1 (555) 010-0100' -> '+15550100100'; SMS providers want digits only."""
    if value is None:
        return None
    compact = _PHONE_SEPARATORS.sub("", value)
    if compact == "":
        return None
    if not _PHONE.match(compact):
        raise ValueError("phone must be 7 to 15 digits, optionally starting with +")
    return compact


def _country_alpha2(value: object) -> object:
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError("country must be an ISO 3166-1 alpha-2 code such as US or DE")
    return code


# Trimmed and lower-cased before the syntax check, so " Alice@Example.COM " is accepted.
Email = Annotated[
    EmailStr, BeforeValidator(_strip_lower), Field(max_length=320), AfterValidator(_printable)
]
# Login takes any string: a malformed email is simply a failed login (401), not a hint.
LoginEmail = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=320),
    AfterValidator(_printable),
]
# Upper bound keeps a hostile multi-megabyte "password" away from the hasher.
NewPassword = Annotated[str, Field(min_length=8, max_length=128), AfterValidator(_encodable)]
AnyPassword = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_encodable)]
PersonName = Annotated[str, *text(100)]
Phone = Annotated[str | None, Field(max_length=32), AfterValidator(_normalise_phone)]
CountryCode = Annotated[str, BeforeValidator(_country_alpha2)]
