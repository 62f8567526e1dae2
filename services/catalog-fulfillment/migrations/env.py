"""Alembic environment of catalog-fulfillment: shopkit runs its migrations under the database's
migration lock (shopkit.migrations)."""

from catalog_fulfillment.service import SERVICE

SERVICE.run_migrations()
