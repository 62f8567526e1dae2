"""partial refunds and returns: refunded units per line, what each refund covered, the
partially_refunded status, one restock per refund, and returns"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from shopkit.migration_ops import MONEY, foreign_key, timestamps
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"

OLD_STATUSES = (
    "pending_payment",
    "paid",
    "payment_failed",
    "cancelled",
    "expired",
    "processing",
    "shipped",
    "delivered",
    "refunded",
)
NEW_STATUSES = (*OLD_STATUSES, "partially_refunded")


def _status_check(statuses: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_orders_status_known"), "orders", type_="check")
    op.create_check_constraint(
        op.f("ck_orders_status_known"), "orders", _status_check(NEW_STATUSES)
    )

    op.add_column(
        "order_items",
        sa.Column("refunded_quantity", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_check_constraint(
        op.f("ck_order_items_refunded_quantity_within_quantity"),
        "order_items",
        "refunded_quantity >= 0 AND refunded_quantity <= quantity",
    )

    op.add_column("payment_refunds", sa.Column("idempotency_key", sa.String(255), nullable=True))
    op.add_column("payment_refunds", sa.Column("request_hash", sa.String(64), nullable=True))
    op.add_column(
        "payment_refunds",
        sa.Column("goods_amount", MONEY, nullable=False, server_default="0"),
    )
    op.add_column(
        "payment_refunds",
        sa.Column("shipping_amount", MONEY, nullable=False, server_default="0"),
    )
    op.add_column(
        "payment_refunds",
        sa.Column(
            "lines",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
    )
    op.add_column(
        "payment_refunds",
        sa.Column("restock", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("payment_refunds", sa.Column("actor", sa.String(80), nullable=True))
    op.create_unique_constraint(
        op.f("uq_payment_refunds_payment_id_idempotency_key"),
        "payment_refunds",
        ["payment_id", "idempotency_key"],
    )

    # A partial refund restocks its own lines: one restock follow-up per refund (key), and
    # the whole-order ones keep the empty key.
    op.add_column(
        "order_followups",
        sa.Column("key", sa.String(120), nullable=False, server_default=""),
    )
    op.drop_constraint(op.f("uq_order_followups_order_id_kind"), "order_followups", type_="unique")
    op.create_unique_constraint(
        op.f("uq_order_followups_order_id_kind_key"), "order_followups", ["order_id", "kind", "key"]
    )

    op.create_table(
        "order_returns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("refund_id", sa.Uuid(), nullable=True),
        *timestamps(),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'rejected', 'received')",
            name=op.f("ck_order_returns_status_known"),
        ),
        foreign_key("order_returns", "order_id", "orders", ondelete="CASCADE"),
        foreign_key("order_returns", "refund_id", "payment_refunds", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_returns")),
    )
    op.create_index(op.f("ix_order_returns_order_id"), "order_returns", ["order_id"])
    op.create_index("ix_order_returns_status_created_at", "order_returns", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_order_returns_status_created_at", table_name="order_returns")
    op.drop_index(op.f("ix_order_returns_order_id"), table_name="order_returns")
    op.drop_table("order_returns")

    op.execute("DELETE FROM order_followups WHERE key <> ''")
    op.drop_constraint(
        op.f("uq_order_followups_order_id_kind_key"), "order_followups", type_="unique"
    )
    op.create_unique_constraint(
        op.f("uq_order_followups_order_id_kind"), "order_followups", ["order_id", "kind"]
    )
    op.drop_column("order_followups", "key")

    op.drop_constraint(
        op.f("uq_payment_refunds_payment_id_idempotency_key"), "payment_refunds", type_="unique"
    )
    for column in (
        "actor",
        "restock",
        "lines",
        "shipping_amount",
        "goods_amount",
        "request_hash",
        "idempotency_key",
    ):
        op.drop_column("payment_refunds", column)

    op.drop_constraint(
        op.f("ck_order_items_refunded_quantity_within_quantity"), "order_items", type_="check"
    )
    op.drop_column("order_items", "refunded_quantity")

    # A partially refunded order goes back to what it can be without the status: refunded
    # money is still recorded on its payment.
    op.execute("UPDATE orders SET status = 'paid' WHERE status = 'partially_refunded'")
    op.drop_constraint(op.f("ck_orders_status_known"), "orders", type_="check")
    op.create_check_constraint(
        op.f("ck_orders_status_known"), "orders", _status_check(OLD_STATUSES)
    )
