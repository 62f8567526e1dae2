"""Declarative base of notifications: its own metadata, shared naming convention."""

from shopkit.db import new_base


class Base(new_base()):  # type: ignore[misc]  # one dynamic base, so models type-check
    __abstract__ = True
