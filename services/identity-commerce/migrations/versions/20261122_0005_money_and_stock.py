"""order numbers past six digits, expiry backoff, orders needing attention, refund follow-ups"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0005"
down_revision = "0004"

NUMBER_PREFIX = "'SO-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || "
# At least six digits, never cut: 42 -> 000042, 1000000 -> 1000000.
NEW_NUMBER = NUMBER_PREFIX + "to_char(nextval('order_number_seq'), 'FM9999999999999000000')"
OLD_NUMBER = NUMBER_PREFIX + "lpad(nextval('order_number_seq')::text, 6, '0')"


def upgrade() -> None:
    op.alter_column("orders", "number", server_default=sa.text(NEW_NUMBER))
    op.add_column("orders", ddl.optional("attention", sa.Text()))
    op.add_column(
        "orders",
        ddl.required("expiry_attempts", sa.Integer(), server_default=sa.text("0")),
    )
    op.add_column("orders", ddl.optional("expiry_retry_at", ddl.TIMESTAMPTZ))
    op.create_table(
        "order_followups",
        *ddl.uuid_primary_key("order_followups"),
        ddl.required("order_id", sa.Uuid()),
        ddl.required("kind", sa.String(32)),
        ddl.required("payload", ddl.JSONB),
        ddl.required("status", sa.String(16)),
        ddl.required("attempts", sa.Integer()),
        ddl.timestamp("next_attempt_at"),
        ddl.optional("last_error", sa.Text()),
        ddl.timestamp("created_at"),
        ddl.optional("done_at", ddl.TIMESTAMPTZ),
        ddl.foreign_key("order_followups", "order_id", "orders", ondelete="CASCADE"),
        ddl.unique("order_followups", "order_id", "kind"),
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
