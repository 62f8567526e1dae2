"""users, addresses, cart lines and rate-limit counters"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "users",
        *ddl.uuid_primary_key("users"),
        ddl.required("email", sa.String(320)),
        ddl.required("password_hash", sa.String(255)),
        ddl.required("first_name", sa.String(100)),
        ddl.required("last_name", sa.String(100)),
        ddl.optional("phone", sa.String(32)),
        ddl.required("role", sa.String(16)),
        ddl.required("is_active", sa.Boolean(), server_default=sa.text("true")),
        ddl.optional("last_login_at", ddl.TIMESTAMPTZ),
        ddl.optional("password_changed_at", ddl.TIMESTAMPTZ),
        *ddl.timestamps(),
        ddl.check("users", "email_normalised", "email = lower(btrim(email))"),
        ddl.check("users", "role_known", ddl.one_of("role", ("customer", "admin"))),
        ddl.unique("users", "email"),
    )

    op.create_table(
        "addresses",
        *ddl.uuid_primary_key("addresses"),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("kind", sa.String(16)),
        ddl.required("full_name", sa.String(200)),
        ddl.required("line1", sa.String(200)),
        ddl.optional("line2", sa.String(200)),
        ddl.required("city", sa.String(100)),
        ddl.optional("state", sa.String(100)),
        ddl.required("postal_code", sa.String(20)),
        ddl.required("country", sa.String(2)),
        ddl.optional("phone", sa.String(32)),
        ddl.required("is_default", sa.Boolean(), server_default=sa.text("false")),
        *ddl.timestamps(),
        ddl.check("addresses", "kind_known", ddl.one_of("kind", ("shipping", "billing"))),
        ddl.check("addresses", "country_alpha2", "country ~ '^[A-Z]{2}$'"),
        ddl.foreign_key("addresses", "user_id", "users", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_addresses_user_id"), "addresses", ["user_id"])
    op.create_index(
        "uq_addresses_one_default_per_kind",
        "addresses",
        ["user_id", "kind"],
        unique=True,
        postgresql_where=sa.text("is_default"),
    )

    op.create_table(
        "cart_items",
        *ddl.uuid_primary_key("cart_items"),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("sku", sa.String(64)),
        ddl.required("quantity", sa.Integer()),
        ddl.optional("product_id", sa.Uuid()),
        ddl.optional("variant_id", sa.Uuid()),
        ddl.required("name", sa.String(300)),
        ddl.optional("image_url", sa.String(1000)),
        ddl.required("unit_price", ddl.MONEY),
        ddl.required("currency", sa.String(3), server_default=sa.text("'USD'")),
        ddl.required("available", sa.Boolean(), server_default=sa.text("true")),
        ddl.timestamp("catalog_checked_at"),
        *ddl.timestamps(),
        ddl.check("cart_items", "quantity_positive", "quantity > 0"),
        ddl.foreign_key("cart_items", "user_id", "users", ondelete="CASCADE"),
        ddl.unique("cart_items", "user_id", "sku"),
    )
    op.create_index(op.f("ix_cart_items_user_id"), "cart_items", ["user_id"])

    op.create_table(
        "rate_limit_counters",
        ddl.required("key", sa.String(400)),
        ddl.required("count", sa.Integer()),
        ddl.required("window_started_at", ddl.TIMESTAMPTZ),
        ddl.required("expires_at", ddl.TIMESTAMPTZ),
        ddl.primary_key("rate_limit_counters", "key"),
    )
    op.create_index(
        op.f("ix_rate_limit_counters_expires_at"), "rate_limit_counters", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counters")
    op.drop_table("cart_items")
    op.drop_table("addresses")
    op.drop_table("users")
