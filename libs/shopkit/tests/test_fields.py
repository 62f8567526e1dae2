"""Request-field pieces: what the schema shows is what the validator enforces."""

from __future__ import annotations

import re
from email.headerregistry import Address
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, ValidationError
from shopkit.fields import (
    EMAIL_ADDRESS,
    JSON_INTEGER,
    NUL_FREE,
    SINGLE_LINE,
    WHITESPACE,
    WHITESPACE_CHARS,
    Documented,
    JsonBool,
    matching,
    omit_null,
    trim,
)

Line = Annotated[
    str,
    Field(max_length=10),
    AfterValidator(matching(SINGLE_LINE, "one line")),
    AfterValidator(trim),
    Documented.keywords(pattern=SINGLE_LINE),
]


class Body(BaseModel):
    line: Line
    optional: Line | None = Field(default=None, json_schema_extra=omit_null)
    count: Annotated[int, Field(ge=1, le=5), JSON_INTEGER] = 1
    flag: JsonBool = False
    url: Annotated[str, Field(pattern=r"^https://"), Documented.keywords(pattern=NUL_FREE)] = (
        "https://x"
    )


def test_the_schema_carries_the_patterns_and_bounds() -> None:
    properties = Body.model_json_schema()["properties"]
    assert properties["line"]["pattern"] == SINGLE_LINE
    assert properties["line"]["maxLength"] == 10
    assert properties["optional"]["pattern"] == SINGLE_LINE  # no null offered
    assert "anyOf" not in properties["optional"]
    assert (properties["count"]["minimum"], properties["count"]["maximum"]) == (1, 5)
    assert properties["count"]["type"] == "integer"
    assert properties["url"]["pattern"] == "^https://"  # a field's own pattern stays
    assert properties["url"]["allOf"] == [{"pattern": NUL_FREE}]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (" Alice\t", "Alice"),
        ("a b", "a b"),
        ("   ", None),
        ("a\tb", None),
        ("a\x00", None),
        ("\x85x\u3000", "x"),
    ],
)
def test_single_line_is_checked_as_sent_and_trimmed_after(value: str, accepted: str | None) -> None:
    if accepted is None:
        with pytest.raises(ValidationError):
            Body(line=value)
    else:
        assert Body(line=value).line == accepted
    assert bool(re.fullmatch(SINGLE_LINE, value)) == (accepted is not None)


@pytest.mark.parametrize("value", [4, 4.0])
def test_json_integers_include_a_zero_fraction(value: float) -> None:
    assert Body(line="x", count=value).count == 4


@pytest.mark.parametrize("value", ["4", True, 4.5, None])
def test_json_integers_refuse_what_pydantic_would_coerce(value: object) -> None:
    with pytest.raises(ValidationError):
        Body(line="x", count=value)


@pytest.mark.parametrize("value", ["true", 1, "yes"])
def test_json_booleans_are_booleans(value: object) -> None:
    with pytest.raises(ValidationError):
        Body(line="x", flag=value)


def test_null_is_refused_where_the_schema_does_not_offer_it() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Body).validate_python({"line": "x", "optional": None, "count": None})


def test_trim_removes_exactly_the_whitespace_class() -> None:
    assert all(re.fullmatch(f"[{WHITESPACE}]", c) for c in WHITESPACE_CHARS)
    assert trim(f"{WHITESPACE_CHARS}x{WHITESPACE_CHARS}") == "x"


@settings(max_examples=500, deadline=None, database=None)
@given(st.from_regex(f"^{EMAIL_ADDRESS}$", fullmatch=True))
def test_every_address_the_pattern_allows_fits_a_to_header(address: str) -> None:
    Address(addr_spec=address)


@pytest.mark.parametrize(
    "address", ["josé@example.com", "a..b@example.com", "a@localhost", "a b@example.com"]
)
def test_addresses_a_header_cannot_hold_do_not_match(address: str) -> None:
    assert not re.fullmatch(EMAIL_ADDRESS, address)
