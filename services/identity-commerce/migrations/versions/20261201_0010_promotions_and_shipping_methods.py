"""promotions (codes, the code a cart carries) and shipping zones and methods; an order's
total subtracts its discount"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "promotions",
        *ddl.uuid_primary_key("promotions"),
        ddl.required("code", sa.String(64)),
        ddl.required("kind", sa.String(16)),
        ddl.required("value", ddl.MONEY),
        ddl.optional("min_subtotal", ddl.MONEY),
        ddl.optional("starts_at", ddl.TIMESTAMPTZ),
        ddl.optional("ends_at", ddl.TIMESTAMPTZ),
        ddl.optional("usage_limit", sa.Integer()),
        ddl.optional("per_customer_limit", sa.Integer()),
        ddl.required("active", sa.Boolean(), server_default=sa.text("true")),
        *ddl.timestamps(),
        ddl.check("promotions", "code_normalised", "code = upper(btrim(code))"),
        ddl.check("promotions", "kind_known", ddl.one_of("kind", ("percent", "fixed"))),
        ddl.check("promotions", "value_not_negative", "value >= 0"),
        ddl.check("promotions", "percent_at_most_100", "kind <> 'percent' OR value <= 100"),
        ddl.check("promotions", "usage_limit_positive", "usage_limit IS NULL OR usage_limit > 0"),
        ddl.check(
            "promotions",
            "per_customer_limit_positive",
            "per_customer_limit IS NULL OR per_customer_limit > 0",
        ),
        ddl.unique("promotions", "code"),
    )
    op.create_table(
        "cart_promotions",
        *ddl.uuid_primary_key("cart_promotions"),
        ddl.optional("user_id", sa.Uuid()),
        ddl.optional("guest_cart_id", sa.Uuid()),
        ddl.required("promotion_id", sa.Uuid()),
        ddl.check("cart_promotions", "one_owner", "(user_id IS NULL) <> (guest_cart_id IS NULL)"),
        ddl.foreign_key("cart_promotions", "user_id", "users", ondelete="CASCADE"),
        ddl.foreign_key("cart_promotions", "guest_cart_id", "guest_carts", ondelete="CASCADE"),
        ddl.foreign_key("cart_promotions", "promotion_id", "promotions", ondelete="CASCADE"),
        ddl.unique("cart_promotions", "user_id"),
        ddl.unique("cart_promotions", "guest_cart_id"),
    )
    op.create_index(op.f("ix_cart_promotions_promotion_id"), "cart_promotions", ["promotion_id"])
    op.create_table(
        "shipping_zones",
        *ddl.uuid_primary_key("shipping_zones"),
        ddl.required("name", sa.String(100)),
        ddl.required("countries", postgresql.ARRAY(sa.String(2)), server_default=sa.text("'{}'")),
        *ddl.timestamps(),
        ddl.unique("shipping_zones", "name"),
    )
    op.create_table(
        "shipping_methods",
        *ddl.uuid_primary_key("shipping_methods"),
        ddl.required("zone_id", sa.Uuid()),
        ddl.required("name", sa.String(100)),
        ddl.required("price", ddl.MONEY),
        ddl.optional("free_over", ddl.MONEY),
        ddl.optional("delivery_estimate", sa.String(100)),
        ddl.required("active", sa.Boolean(), server_default=sa.text("true")),
        *ddl.timestamps(),
        ddl.check("shipping_methods", "price_not_negative", "price >= 0"),
        ddl.check(
            "shipping_methods", "free_over_not_negative", "free_over IS NULL OR free_over >= 0"
        ),
        ddl.foreign_key("shipping_methods", "zone_id", "shipping_zones", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_shipping_methods_zone_id"), "shipping_methods", ["zone_id"])

    # total = subtotal - discount + shipping + tax (0009 added the discount column).
    op.drop_constraint(op.f("ck_orders_total_adds_up"), "orders", type_="check")
    op.create_check_constraint(
        op.f("ck_orders_total_adds_up"), "orders", "total = subtotal - discount + shipping + tax"
    )
    op.create_check_constraint(
        op.f("ck_orders_discount_within_subtotal"),
        "orders",
        "discount >= 0 AND discount <= subtotal",
    )
    ddl.create_index_where_not_null("ix_orders_promo_code", "orders", "promo_code")


def downgrade() -> None:
    op.drop_index("ix_orders_promo_code", table_name="orders")
    op.drop_constraint(op.f("ck_orders_discount_within_subtotal"), "orders", type_="check")
    op.drop_constraint(op.f("ck_orders_total_adds_up"), "orders", type_="check")
    # Orders with a discount cannot satisfy the old rule: their discount stays recorded in
    # the column; the old rule is restored for the rest only.
    op.execute(
        "ALTER TABLE orders ADD CONSTRAINT ck_orders_total_adds_up "
        "CHECK (total = subtotal + shipping + tax) NOT VALID"
    )
    op.drop_table("shipping_methods")
    op.drop_table("shipping_zones")
    op.drop_table("cart_promotions")
    op.drop_table("promotions")
