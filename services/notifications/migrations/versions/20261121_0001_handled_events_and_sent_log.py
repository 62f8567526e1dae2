"""handled events (idempotency by event id) and the sent-message log"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "handled_events",
        ddl.required("event_id", sa.Uuid()),
        ddl.required("event_type", sa.String(64)),
        ddl.required("source", sa.String(64)),
        ddl.required("version", sa.Integer()),
        ddl.required("occurred_at", ddl.TIMESTAMPTZ),
        ddl.timestamp("received_at"),
        ddl.required("message_count", sa.Integer(), server_default="0"),
        ddl.primary_key("handled_events", "event_id"),
    )
    op.create_table(
        "sent_messages",
        *ddl.uuid_primary_key("sent_messages"),
        ddl.required("event_id", sa.Uuid()),
        ddl.required("event_type", sa.String(64)),
        ddl.required("channel", sa.String(8)),
        ddl.required("recipient", sa.String(320)),
        ddl.optional("subject", sa.String(300)),
        ddl.required("body_text", sa.Text()),
        ddl.required("provider", sa.String(16)),
        ddl.required("message_id", sa.String(255)),
        ddl.timestamp("sent_at"),
        ddl.foreign_key(
            "sent_messages",
            "event_id",
            "handled_events",
            referred_column="event_id",
            ondelete="CASCADE",
        ),
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
