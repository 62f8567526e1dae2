"""orders, order items, status timeline, payments, refunds, Stripe events, idempotency keys"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0003"
down_revision = "0002"

STATUSES = (
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


def upgrade() -> None:
    op.execute("CREATE SEQUENCE order_number_seq")
    op.create_table(
        "orders",
        *ddl.uuid_primary_key("orders"),
        ddl.required(
            "number",
            sa.String(32),
            server_default=sa.text(
                "'SO-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' "
                "|| lpad(nextval('order_number_seq')::text, 6, '0')"
            ),
        ),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("status", sa.String(24)),
        ddl.required("currency", sa.String(3)),
        ddl.required("subtotal", ddl.MONEY),
        ddl.required("shipping", ddl.MONEY),
        ddl.required("tax", ddl.MONEY),
        ddl.required("total", ddl.MONEY),
        ddl.required("customer_email", sa.String(320)),
        ddl.required("customer_name", sa.String(200)),
        ddl.optional("customer_phone", sa.String(32)),
        ddl.required("shipping_address", ddl.JSONB),
        ddl.required("billing_address", ddl.JSONB),
        ddl.required("reservation_expires_at", ddl.TIMESTAMPTZ),
        ddl.optional("carrier", sa.String(64)),
        ddl.optional("tracking_number", sa.String(128)),
        ddl.optional("tracking_url", sa.String(1000)),
        *ddl.timestamps(),
        ddl.check("orders", "status_known", ddl.one_of("status", STATUSES)),
        ddl.check("orders", "total_adds_up", "total = subtotal + shipping + tax"),
        ddl.foreign_key("orders", "user_id", "users", ondelete="RESTRICT"),
        ddl.unique("orders", "number"),
    )
    op.execute("ALTER SEQUENCE order_number_seq OWNED BY orders.number")
    op.create_index("ix_orders_user_id_created_at", "orders", ["user_id", "created_at"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.create_index(
        "ix_orders_pending_expiry",
        "orders",
        ["reservation_expires_at"],
        postgresql_where=sa.text("status = 'pending_payment'"),
    )

    op.create_table(
        "order_items",
        *ddl.uuid_primary_key("order_items"),
        ddl.required("order_id", sa.Uuid()),
        ddl.required("position", sa.Integer()),
        ddl.required("sku", sa.String(64)),
        ddl.optional("product_id", sa.Uuid()),
        ddl.optional("variant_id", sa.Uuid()),
        ddl.required("name", sa.String(300)),
        ddl.required("unit_price", ddl.MONEY),
        ddl.required("quantity", sa.Integer()),
        ddl.required("line_total", ddl.MONEY),
        ddl.check("order_items", "quantity_positive", "quantity > 0"),
        ddl.check("order_items", "line_total_adds_up", "line_total = unit_price * quantity"),
        ddl.foreign_key("order_items", "order_id", "orders", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_order_items_order_id"), "order_items", ["order_id"])
    op.create_index(op.f("ix_order_items_product_id"), "order_items", ["product_id"])

    op.create_table(
        "order_status_changes",
        *ddl.uuid_primary_key("order_status_changes"),
        ddl.required("seq", sa.BigInteger(), sa.Identity(always=False)),
        ddl.required("order_id", sa.Uuid()),
        ddl.required("status", sa.String(24)),
        ddl.optional("note", sa.Text()),
        ddl.required("actor", sa.String(80)),
        ddl.timestamp("at"),
        ddl.foreign_key("order_status_changes", "order_id", "orders", ondelete="CASCADE"),
    )
    op.create_index(
        "ix_order_status_changes_order_id_seq", "order_status_changes", ["order_id", "seq"]
    )

    op.create_table(
        "payments",
        *ddl.uuid_primary_key("payments"),
        ddl.required("order_id", sa.Uuid()),
        ddl.required("provider", sa.String(16)),
        ddl.required("payment_intent_id", sa.String(255)),
        ddl.optional("client_secret", sa.String(255)),
        ddl.required("amount", ddl.MONEY),
        ddl.required("currency", sa.String(3)),
        ddl.required("status", sa.String(32)),
        ddl.optional("failure_code", sa.String(64)),
        ddl.optional("failure_message", sa.Text()),
        ddl.required("refunded_amount", ddl.MONEY),
        *ddl.timestamps(),
        ddl.foreign_key("payments", "order_id", "orders", ondelete="CASCADE"),
        ddl.unique("payments", "order_id"),
        ddl.unique("payments", "payment_intent_id"),
    )

    op.create_table(
        "payment_refunds",
        *ddl.uuid_primary_key("payment_refunds"),
        ddl.required("payment_id", sa.Uuid()),
        ddl.required("stripe_refund_id", sa.String(255)),
        ddl.required("amount", ddl.MONEY),
        ddl.required("status", sa.String(32)),
        ddl.optional("reason", sa.Text()),
        ddl.timestamp("created_at"),
        ddl.foreign_key("payment_refunds", "payment_id", "payments", ondelete="CASCADE"),
        ddl.unique("payment_refunds", "stripe_refund_id"),
    )
    op.create_index(op.f("ix_payment_refunds_payment_id"), "payment_refunds", ["payment_id"])

    op.create_table(
        "stripe_events",
        ddl.required("event_id", sa.String(255)),
        ddl.required("type", sa.String(100)),
        ddl.optional("object_id", sa.String(255)),
        ddl.timestamp("received_at"),
        ddl.primary_key("stripe_events", "event_id"),
    )

    op.create_table(
        "idempotency_keys",
        *ddl.uuid_primary_key("idempotency_keys"),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("key", sa.String(255)),
        ddl.required("request_hash", sa.String(64)),
        ddl.optional("order_id", sa.Uuid()),
        ddl.optional("status_code", sa.Integer()),
        ddl.optional("response_body", ddl.JSONB),
        ddl.timestamp("created_at"),
        ddl.foreign_key("idempotency_keys", "user_id", "users", ondelete="CASCADE"),
        ddl.unique("idempotency_keys", "user_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("stripe_events")
    op.drop_table("payment_refunds")
    op.drop_table("payments")
    op.drop_table("order_status_changes")
    op.drop_table("order_items")
    op.drop_table("orders")  # drops order_number_seq too (OWNED BY)
