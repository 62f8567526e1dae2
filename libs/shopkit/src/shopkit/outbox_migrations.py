"""The outbox table's migration steps (shopkit.outbox's `OutboxMixin`), shared by every
service that has an outbox: its `migrations/versions/` revisions are these steps, in order,

    upgrade = CreateOutbox.upgrade
    downgrade = CreateOutbox.downgrade

Each step is frozen once released, like any migration: a change to the outbox table is a
new step here and a new revision in each service, never an edit to an old one. The
functions keep the names `upgrade` and `downgrade` because Alembic logs a revision it runs
by its function's name ("Running upgrade 0006 -> 0007"), and tools and tests read that.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shopkit.migration_ops import timestamp

TABLE = "outbox"


class CreateOutbox:
    """Step 1 (2026-11-21): the table of events waiting for delivery."""

    @staticmethod
    def upgrade() -> None:
        op.create_table(
            TABLE,
            sa.Column("id", sa.Uuid(), nullable=False),
            sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
            sa.Column("event_type", sa.String(length=64), nullable=False),
            sa.Column("aggregate_id", sa.String(length=64), nullable=True),
            sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
            sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
            sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
            timestamp("next_attempt_at"),
            sa.Column("last_error", sa.Text(), nullable=True),
            timestamp("created_at"),
            sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
            sa.UniqueConstraint("seq", name=op.f("uq_outbox_seq")),
        )
        op.create_index("ix_outbox_due", TABLE, ["status", "next_attempt_at"])
        op.create_index("ix_outbox_aggregate", TABLE, ["aggregate_id", "seq"])

    @staticmethod
    def downgrade() -> None:
        op.drop_table(TABLE)


class AgeLimitAndDiscard:
    """Step 2 (2026-12-01): an age limit instead of an attempt limit, discarded events,
    cheaper relay indexes."""

    @staticmethod
    def upgrade() -> None:
        op.add_column(TABLE, timestamp("queued_at"))
        op.execute("UPDATE outbox SET queued_at = created_at")
        op.add_column(TABLE, sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(TABLE, sa.Column("discarded_by", sa.String(length=128), nullable=True))
        # The relay scans pending rows in seq order and the admin list filters by status; the
        # "older unsettled row of this aggregate" check only needs undelivered rows.
        op.drop_index("ix_outbox_due", table_name=TABLE)
        op.drop_index("ix_outbox_aggregate", table_name=TABLE)
        op.create_index("ix_outbox_status_seq", TABLE, ["status", "seq"])
        op.create_index(
            "ix_outbox_unsettled",
            TABLE,
            ["aggregate_id", "seq"],
            postgresql_where=sa.text("status IN ('pending', 'failed')"),
        )

    @staticmethod
    def downgrade() -> None:
        op.drop_index("ix_outbox_unsettled", table_name=TABLE)
        op.drop_index("ix_outbox_status_seq", table_name=TABLE)
        op.create_index("ix_outbox_aggregate", TABLE, ["aggregate_id", "seq"])
        op.create_index("ix_outbox_due", TABLE, ["status", "next_attempt_at"])
        op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'discarded'")
        op.drop_column(TABLE, "discarded_by")
        op.drop_column(TABLE, "discarded_at")
        op.drop_column(TABLE, "queued_at")


class SentAtIndex:
    """Step 3 (2026-12-01): an index of sent rows by age, for retention."""

    @staticmethod
    def upgrade() -> None:
        # Retention deletes sent rows by age; only sent rows are in the index.
        op.create_index(
            "ix_outbox_sent_at", TABLE, ["sent_at"], postgresql_where=sa.text("status = 'sent'")
        )

    @staticmethod
    def downgrade() -> None:
        op.drop_index("ix_outbox_sent_at", table_name=TABLE)
