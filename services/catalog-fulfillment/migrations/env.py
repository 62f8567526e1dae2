"""Alembic environment for catalog-fulfillment: shopkit runs it under the database's migration lock."""

from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.models import Base
from shopkit.migrations import run_migrations

run_migrations(target_metadata=Base.metadata, settings=Settings)
