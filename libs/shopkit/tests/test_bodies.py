"""Response bodies read from objects by field name, with the odd field given."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError
from shopkit.bodies import ClosedModel, read_body


@dataclass
class Tag:
    name: str
    internal_note: str = "not shown"


@dataclass
class Row:
    id: int
    name: str
    price: Decimal
    tag: Tag
    secret: str = "never read"


class TagOut(BaseModel):
    name: str


class RowOut(BaseModel):
    id: int
    name: str
    price: Decimal
    tag: TagOut
    label: str


def test_fields_are_read_by_name_and_given_ones_win() -> None:
    row = Row(id=7, name="Lamp", price=Decimal("9.50"), tag=Tag("home"))
    body = read_body(RowOut, row, name="LAMP", label="new")
    assert body == RowOut(
        id=7, name="LAMP", price=Decimal("9.50"), tag=TagOut(name="home"), label="new"
    )


def test_a_nested_object_is_read_into_its_own_schema() -> None:
    body = read_body(RowOut, Row(1, "x", Decimal(1), Tag("t", "hidden")), label="l")
    assert body.tag.model_dump() == {"name": "t"}


def test_a_given_field_is_not_read_from_the_object() -> None:
    class Unloaded:
        id, name, price = 1, "x", Decimal(1)

        @property
        def tag(self) -> Tag:
            raise AssertionError("a given field must not be read")

    row = Unloaded()
    assert read_body(RowOut, row, tag=TagOut(name="u"), label="l").tag.name == "u"


def test_a_closed_model_refuses_unknown_fields() -> None:
    class Note(ClosedModel):
        text: str

    with pytest.raises(ValidationError, match="extra_forbidden"):
        Note.model_validate({"text": "hi", "colour": "red"})


def test_a_field_neither_given_nor_on_the_object_is_an_error() -> None:
    with pytest.raises(AttributeError):
        read_body(RowOut, Row(1, "x", Decimal(1), Tag("t")))


def test_values_are_validated() -> None:
    with pytest.raises(ValidationError):
        read_body(RowOut, Row(1, "x", Decimal(1), Tag("t")), id="not a number", label="l")
