"""Alembic environment of identity-commerce: shopkit runs its migrations under the database's
migration lock (shopkit.migrations)."""

from identity_commerce.service import SERVICE

SERVICE.run_migrations()
