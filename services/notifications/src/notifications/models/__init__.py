"""SQLAlchemy models of notifications. Import every model here so Alembic sees it."""

from notifications.db.base import Base
from notifications.models.notification import HandledEvent, SentMessage

__all__ = ["Base", "HandledEvent", "SentMessage"]
