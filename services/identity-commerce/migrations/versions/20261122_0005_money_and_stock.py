"""order numbers past six digits, expiry backoff, orders needing attention, refund follow-ups"""

import sqlalchemy as sa
from alembic import op
from shopkit.migration_ops import foreign_key, timestamp
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"

NUMBER_PREFIX = "'SO-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || "
# At least six digits, never cut: 42 -> 000042, 1000000 -> 1000000.
NEW_NUMBER = NUMBER_PREFIX + "to_char(nextval('order_number_seq'), 'FM9999999999999000000')"
OLD_NUMBER = NUMBER_PREFIX + "lpad(nextval('order_number_seq')::text, 6, '0')"


def upgrade() -> None:
    op.alter_column("orders", "number", server_default=sa.text(NEW_NUMBER))
    op.add_column("orders", sa.Column("attention", sa.Text(), nullable=True))
    op.add_column(
        "orders",
        sa.Column("expiry_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("orders", sa.Column("expiry_retry_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "order_followups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        timestamp("created_at"),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        foreign_key("order_followups", "order_id", "orders", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_followups")),
        sa.UniqueConstraint("order_id", "kind", name="uq_order_followups_order_id_kind"),
    )
    op.create_index(
        "ix_order_followups_due",
        "order_followups",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_order_followups_due", table_name="order_followups")
    op.drop_table("order_followups")
    op.drop_column("orders", "expiry_retry_at")
    op.drop_column("orders", "expiry_attempts")
    op.drop_column("orders", "attention")
    op.alter_column("orders", "number", server_default=sa.text(OLD_NUMBER))
