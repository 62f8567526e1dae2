"""Alembic environment of notifications: shopkit runs its migrations under the database's
migration lock (shopkit.migrations)."""

from notifications.service import SERVICE

SERVICE.run_migrations()
