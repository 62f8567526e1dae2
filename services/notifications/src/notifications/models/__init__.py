"""SQLAlchemy models of notifications. Import every model here so Alembic sees it."""

from notifications.db.base import Base

__all__ = ["Base"]
