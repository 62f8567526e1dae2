"""Alembic environment for identity-commerce: shopkit runs it under the database's migration lock."""

from identity_commerce.core.config import Settings
from identity_commerce.models import Base
from shopkit.migrations import run_migrations

run_migrations(target_metadata=Base.metadata, settings=Settings)
