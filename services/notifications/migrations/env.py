"""Alembic environment for notifications: shopkit runs it under the database's migration lock."""

from notifications.core.config import Settings
from notifications.models import Base
from shopkit.migrations import run_migrations

run_migrations(target_metadata=Base.metadata, settings=Settings)
