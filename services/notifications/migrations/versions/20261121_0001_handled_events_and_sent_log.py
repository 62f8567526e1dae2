"""handled events (idempotency by event id) and the sent-message log"""

import sqlalchemy as sa
from alembic import op
from shopkit.migration_ops import foreign_key, timestamp

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "handled_events",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        timestamp("received_at"),
        sa.Column("message_count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_handled_events")),
    )
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        timestamp("sent_at"),
        foreign_key(
            "sent_messages",
            "event_id",
            "handled_events",
            referred_column="event_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_messages")),
    )
    op.create_index(
        "ix_sent_messages_event_type_sent_at", "sent_messages", ["event_type", "sent_at"]
    )
    op.create_index(
        "ix_sent_messages_recipient_lower", "sent_messages", [sa.text("lower(recipient)")]
    )
    op.create_index("ix_sent_messages_event_id", "sent_messages", ["event_id"])
    op.create_index("ix_sent_messages_sent_at", "sent_messages", ["sent_at"])


def downgrade() -> None:
    op.drop_table("sent_messages")
    op.drop_table("handled_events")
