"""Declarative base of catalog-fulfillment: its own metadata, shared naming convention."""

from shopkit.db import new_base

Base = new_base()
