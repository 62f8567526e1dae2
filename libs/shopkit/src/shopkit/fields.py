"""Pieces for request fields whose OpenAPI schema states every rule the code enforces.

A client (or a fuzzer) that builds a request from the OpenAPI document must get it accepted;
a constraint that lives only in a validator makes a schema-valid request fail with 422. So a
rule is written once, as a regular expression, and used twice: the validator matches it and
`Documented` puts it into the field's JSON schema. Patterns use only syntax that Python's
`re` and ECMAScript (JSON Schema) read the same way (`\\uXXXX` escapes, character classes).

Values are checked as sent and normalised afterwards (trimmed, lower-cased), so that lengths
and patterns in the schema mean the same thing as in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, GetJsonSchemaHandler, Strict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# Unicode White_Space: what a trim removes around a value (as a character class body, and
# as the characters themselves for `trim`).
WHITESPACE = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
WHITESPACE_CHARS = (
    "".join(chr(c) for c in (9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# Unicode control characters (Cc): NUL, escapes, C1 controls. PostgreSQL cannot store NUL,
# and none belongs in a name, an address or a note.
CONTROL = r"\u0000-\u001f\u007f-\u009f"

# One line of text that is not blank: surrounding whitespace (trimmed away afterwards) and
# no control character inside.
SINGLE_LINE = rf"^[{WHITESPACE}]*[^{WHITESPACE}{CONTROL}](?:[^{CONTROL}]*[^{WHITESPACE}{CONTROL}])?[{WHITESPACE}]*$"  # noqa: E501
# Text PostgreSQL can store: anything but NUL.
NUL_FREE = r"^[^\u0000]*$"
# The same, with at least one character that is not whitespace.
NUL_FREE_NOT_BLANK = rf"^[^\u0000]*[^\u0000{WHITESPACE}][^\u0000]*$"


# An email address as the shop can send to: ASCII dot-atom local part (no quoted forms, no
# SMTPUTF8), a domain of at least two labels (an internationalised domain in its xn-- form).
# Notifications builds a To: header from it, which refuses anything else.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_ADDRESS = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@{_LABEL}(?:\.{_LABEL})+"


def trim(value: str) -> str:
    """Remove the whitespace the patterns above allow around a value."""
    return value.strip(WHITESPACE_CHARS)


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer is a number without a fraction: 4 and 4.0, never "4" or true
    # (which pydantic's lax mode would turn into 4 and 1).
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return value


# Body fields: an int or bool exactly as JSON Schema defines them. Constraints go before the
# validator, or they would not reach the schema: `Annotated[int, Field(ge=1), JSON_INTEGER]`.
JSON_INTEGER = BeforeValidator(_json_integer)
JsonInt = Annotated[int, JSON_INTEGER]
JsonBool = Annotated[bool, Strict()]

# Dates as JSON Schema's `date` and `date-time` mean them: text only (pydantic alone would also
# take 0 as a Unix time, or a space for the T).
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
RFC3339 = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def _text_matching(pattern: str, message: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or not compiled.match(value):
            raise ValueError(message)
        return value

    return BeforeValidator(check)


DATE_TEXT = _text_matching(ISO_DATE, "must be a date as YYYY-MM-DD")
DATE_TIME_TEXT = _text_matching(RFC3339, "must be an RFC 3339 date-time with an offset")


@dataclass(frozen=True)
class Documented:
    """Adds JSON Schema keywords to the schema of the value it annotates (for `X | None`,
    to the `X` branch), e.g. `Documented.keywords(pattern=SINGLE_LINE)`."""

    items: tuple[tuple[str, Any], ...]

    @classmethod
    def keywords(cls, **keywords: Any) -> Documented:
        return cls(tuple(keywords.items()))

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for key, value in self.items:
            if key == "pattern" and target.get("pattern", value) != value:
                # a field with a pattern of its own must match both
                target.setdefault("allOf", []).append({"pattern": value})
            else:
                target[key] = value
        return schema


def omit_null(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of an optional field that may be left out but not sent as null
    (the model refuses an explicit null): the schema then does not offer null either."""
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    schema.pop("default", None)


def matching(pattern: str, message: str) -> Any:
    """An after-validator refusing strings that do not match `pattern`, with `message`."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):  # `$` as JSON Schema reads it: no final newline
            raise ValueError(message)
        return value

    return check


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


# Free text as sent (a search, a filter): anything PostgreSQL can store.
SafeText = Annotated[str, AfterValidator(storable_text), Documented.keywords(pattern=NUL_FREE)]

# A stock-keeping unit as catalog-fulfillment names it: letters, digits, dot, underscore and
# dash, starting with a letter or digit, at most 64. No comma, so `?skus=A,B` lists split.
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$"
Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=SKU_PATTERN)]
