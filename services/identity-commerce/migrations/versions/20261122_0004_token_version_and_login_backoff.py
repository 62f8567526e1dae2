"""users.token_version (revokes older access tokens) and rate_limit_counters.last_hit_at
(per-account login backoff)"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.add_column(
        "users",
        ddl.required("token_version", sa.Integer(), server_default=sa.text("0")),
    )
    op.create_check_constraint(
        op.f("ck_users_token_version_not_negative"), "users", "token_version >= 0"
    )
    op.add_column(
        "rate_limit_counters",
        ddl.optional("last_hit_at", ddl.TIMESTAMPTZ),
    )


def downgrade() -> None:
    op.drop_column("rate_limit_counters", "last_hit_at")
    op.drop_constraint(op.f("ck_users_token_version_not_negative"), "users", type_="check")
    op.drop_column("users", "token_version")
