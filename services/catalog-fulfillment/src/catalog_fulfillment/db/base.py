"""Declarative base of catalog-fulfillment: its own metadata, the shared naming convention and
timezone-aware datetimes."""

from shopkit.db import NAMING_CONVENTION, TYPE_ANNOTATION_MAP
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = TYPE_ANNOTATION_MAP
