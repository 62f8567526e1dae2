"""partial refunds and returns: refunded units per line, what each refund covered, the
partially_refunded status, one restock per refund, and returns"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

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


def _refund_columns() -> list[sa.Column[Any]]:
    """The columns this revision adds to payment_refunds, in order (new ones each call: a
    column belongs to one table only)."""
    return [
        ddl.optional("idempotency_key", sa.String(255)),
        ddl.optional("request_hash", sa.String(64)),
        ddl.required("goods_amount", ddl.MONEY, server_default="0"),
        ddl.required("shipping_amount", ddl.MONEY, server_default="0"),
        ddl.required("lines", ddl.JSONB, server_default=sa.text("'[]'::jsonb")),
        ddl.required("restock", sa.Boolean(), server_default=sa.false()),
        ddl.optional("actor", sa.String(80)),
    ]


def upgrade() -> None:
    op.drop_constraint(op.f("ck_orders_status_known"), "orders", type_="check")
    op.create_check_constraint(
        op.f("ck_orders_status_known"), "orders", ddl.one_of("status", NEW_STATUSES)
    )

    op.add_column(
        "order_items",
        ddl.required("refunded_quantity", sa.Integer(), server_default="0"),
    )
    op.create_check_constraint(
        op.f("ck_order_items_refunded_quantity_within_quantity"),
        "order_items",
        "refunded_quantity >= 0 AND refunded_quantity <= quantity",
    )

    for column in _refund_columns():
        op.add_column("payment_refunds", column)
    op.create_unique_constraint(
        op.f("uq_payment_refunds_payment_id_idempotency_key"),
        "payment_refunds",
        ["payment_id", "idempotency_key"],
    )

    # A partial refund restocks its own lines: one restock follow-up per refund (key), and
    # the whole-order ones keep the empty key.
    op.add_column(
        "order_followups",
        ddl.required("key", sa.String(120), server_default=""),
    )
    op.drop_constraint(op.f("uq_order_followups_order_id_kind"), "order_followups", type_="unique")
    op.create_unique_constraint(
        op.f("uq_order_followups_order_id_kind_key"), "order_followups", ["order_id", "kind", "key"]
    )

    op.create_table(
        "order_returns",
        *ddl.uuid_primary_key("order_returns"),
        ddl.required("order_id", sa.Uuid()),
        ddl.required("status", sa.String(16)),
        ddl.required("reason", sa.Text()),
        ddl.required("lines", ddl.JSONB),
        ddl.required("requested_by", sa.String(80)),
        ddl.optional("note", sa.Text()),
        ddl.optional("refund_id", sa.Uuid()),
        *ddl.timestamps(),
        ddl.check(
            "order_returns",
            "status_known",
            ddl.one_of("status", ("requested", "approved", "rejected", "received")),
        ),
        ddl.foreign_key("order_returns", "order_id", "orders", ondelete="CASCADE"),
        ddl.foreign_key("order_returns", "refund_id", "payment_refunds", ondelete="SET NULL"),
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
    for column in reversed(_refund_columns()):
        op.drop_column("payment_refunds", column.name)

    op.drop_constraint(
        op.f("ck_order_items_refunded_quantity_within_quantity"), "order_items", type_="check"
    )
    op.drop_column("order_items", "refunded_quantity")

    # A partially refunded order goes back to what it can be without the status: refunded
    # money is still recorded on its payment.
    op.execute("UPDATE orders SET status = 'paid' WHERE status = 'partially_refunded'")
    op.drop_constraint(op.f("ck_orders_status_known"), "orders", type_="check")
    op.create_check_constraint(
        op.f("ck_orders_status_known"), "orders", ddl.one_of("status", OLD_STATUSES)
    )
