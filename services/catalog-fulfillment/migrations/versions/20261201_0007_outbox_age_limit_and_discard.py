"""outbox: age limit instead of an attempt limit, discarded events, cheaper relay indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox",
        sa.Column(
            "queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
    )
    op.execute("UPDATE outbox SET queued_at = created_at")
    op.add_column("outbox", sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("outbox", sa.Column("discarded_by", sa.String(length=128), nullable=True))
    # The relay scans pending rows in seq order and the admin list filters by status; the
    # "older unsettled row of this aggregate" check only needs undelivered rows.
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_index("ix_outbox_aggregate", table_name="outbox")
    op.create_index("ix_outbox_status_seq", "outbox", ["status", "seq"])
    op.create_index(
        "ix_outbox_unsettled",
        "outbox",
        ["aggregate_id", "seq"],
        postgresql_where=sa.text("status IN ('pending', 'failed')"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_unsettled", table_name="outbox")
    op.drop_index("ix_outbox_status_seq", table_name="outbox")
    op.create_index("ix_outbox_aggregate", "outbox", ["aggregate_id", "seq"])
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'discarded'")
    op.drop_column("outbox", "discarded_by")
    op.drop_column("outbox", "discarded_at")
    op.drop_column("outbox", "queued_at")
