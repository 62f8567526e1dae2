"""promotions (codes, the code a cart carries) and shipping zones and methods; an order's
total subtracts its discount"""

import sqlalchemy as sa
from alembic import op
from shopkit.migration_ops import MONEY, foreign_key, timestamps
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "promotions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", MONEY, nullable=False),
        sa.Column("min_subtotal", MONEY, nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        *timestamps(),
        sa.CheckConstraint("code = upper(btrim(code))", name=op.f("ck_promotions_code_normalised")),
        sa.CheckConstraint("kind IN ('percent', 'fixed')", name=op.f("ck_promotions_kind_known")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_promotions_value_not_negative")),
        sa.CheckConstraint(
            "kind <> 'percent' OR value <= 100", name=op.f("ck_promotions_percent_at_most_100")
        ),
        sa.CheckConstraint(
            "usage_limit IS NULL OR usage_limit > 0",
            name=op.f("ck_promotions_usage_limit_positive"),
        ),
        sa.CheckConstraint(
            "per_customer_limit IS NULL OR per_customer_limit > 0",
            name=op.f("ck_promotions_per_customer_limit_positive"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
        sa.UniqueConstraint("code", name=op.f("uq_promotions_code")),
    )
    op.create_table(
        "cart_promotions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("guest_cart_id", sa.Uuid(), nullable=True),
        sa.Column("promotion_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (guest_cart_id IS NULL)",
            name=op.f("ck_cart_promotions_one_owner"),
        ),
        foreign_key("cart_promotions", "user_id", "users", ondelete="CASCADE"),
        foreign_key("cart_promotions", "guest_cart_id", "guest_carts", ondelete="CASCADE"),
        foreign_key("cart_promotions", "promotion_id", "promotions", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_promotions")),
        sa.UniqueConstraint("user_id", name=op.f("uq_cart_promotions_user_id")),
        sa.UniqueConstraint("guest_cart_id", name=op.f("uq_cart_promotions_guest_cart_id")),
    )
    op.create_index(op.f("ix_cart_promotions_promotion_id"), "cart_promotions", ["promotion_id"])
    op.create_table(
        "shipping_zones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "countries",
            postgresql.ARRAY(sa.String(length=2)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        *timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_zones")),
        sa.UniqueConstraint("name", name=op.f("uq_shipping_zones_name")),
    )
    op.create_table(
        "shipping_methods",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("free_over", MONEY, nullable=True),
        sa.Column("delivery_estimate", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        *timestamps(),
        sa.CheckConstraint("price >= 0", name=op.f("ck_shipping_methods_price_not_negative")),
        sa.CheckConstraint(
            "free_over IS NULL OR free_over >= 0",
            name=op.f("ck_shipping_methods_free_over_not_negative"),
        ),
        foreign_key("shipping_methods", "zone_id", "shipping_zones", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_methods")),
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
    op.create_index(
        "ix_orders_promo_code",
        "orders",
        ["promo_code"],
        postgresql_where=sa.text("promo_code IS NOT NULL"),
    )


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
