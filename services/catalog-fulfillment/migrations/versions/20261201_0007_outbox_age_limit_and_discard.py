"""outbox: age limit instead of an attempt limit, discarded events, cheaper relay indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from shopkit.outbox_migrations import add_age_limit_and_discard, remove_age_limit_and_discard

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_age_limit_and_discard()


def downgrade() -> None:
    remove_age_limit_and_discard()
