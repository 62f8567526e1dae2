"""Declarative base of identity-commerce: its own metadata, the shared naming convention and
timezone-aware datetimes."""

from collections.abc import Iterable
from enum import StrEnum

from shopkit.db import NAMING_CONVENTION, TYPE_ANNOTATION_MAP
from sqlalchemy import CheckConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = TYPE_ANNOTATION_MAP


def one_of(column: str, values: Iterable[StrEnum], *, name: str) -> CheckConstraint:
    """A CHECK that `column` holds one of an enum's values: a row never carries a value the
    code does not know, whatever wrote it."""
    listed = ", ".join(f"'{value.value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)
