"""handled events by arrival, for retention"""

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    # Retention deletes events (their messages cascade) by age.
    op.create_index("ix_handled_events_received_at", "handled_events", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_handled_events_received_at", table_name="handled_events")
