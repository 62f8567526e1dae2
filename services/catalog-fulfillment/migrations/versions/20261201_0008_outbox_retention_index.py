"""outbox: index of sent rows by age, for retention

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from shopkit.outbox_migrations import add_sent_at_index, drop_sent_at_index

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_sent_at_index()


def downgrade() -> None:
    drop_sent_at_index()
