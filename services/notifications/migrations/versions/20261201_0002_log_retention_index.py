"""handled events by arrival, for retention

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Retention deletes events (their messages cascade) by age.
    op.create_index("ix_handled_events_received_at", "handled_events", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_handled_events_received_at", table_name="handled_events")
