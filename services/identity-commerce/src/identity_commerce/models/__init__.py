"""SQLAlchemy models of identity-commerce. Import every model here so Alembic sees it."""

from shopkit.outbox import OutboxMixin

from identity_commerce.db.base import Base


class OutboxMessage(OutboxMixin, Base):
    """Events waiting for delivery to notifications (same transaction as the change)."""


__all__ = ["Base", "OutboxMessage"]
