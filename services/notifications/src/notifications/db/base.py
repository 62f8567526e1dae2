"""Declarative base of notifications: its own metadata, shared naming convention."""

from shopkit.db import new_base

Base = new_base()
