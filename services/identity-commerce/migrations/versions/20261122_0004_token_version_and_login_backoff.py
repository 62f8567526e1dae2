"""users.token_version (revokes older access tokens) and rate_limit_counters.last_hit_at
(per-account login backoff)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_users_token_version_not_negative"), "users", "token_version >= 0"
    )
    op.add_column(
        "rate_limit_counters",
        sa.Column("last_hit_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("rate_limit_counters", "last_hit_at")
    op.drop_constraint("ck_users_token_version_not_negative", "users", type_="check")
    op.drop_column("users", "token_version")
