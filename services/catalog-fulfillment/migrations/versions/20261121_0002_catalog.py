"""catalog, inventory, reservations, reviews, stores and fulfillments

Also enables pg_trgm (typo-tolerant search) and cube + earthdistance (store locator index)."""

import sqlalchemy as sa
from alembic import op
from shopkit.migration_ops import MONEY, foreign_key, timestamp, timestamps
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"

# Listings show active products only, in one of these orders.
ACTIVE_PRODUCT_INDEXES = {
    "ix_products_active_category": ["category_id", "created_at"],
    "ix_products_active_newest": ["created_at", "id"],
    "ix_products_active_price": ["min_price", "id"],
    "ix_products_active_rating": ["rating_avg", "rating_count", "id"],
}


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS cube")
    op.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
    op.create_table(
        "categories",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=140), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        timestamp("created_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        foreign_key("categories", "parent_id", "categories", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_categories_slug")),
    )
    op.create_index(op.f("ix_categories_parent_id"), "categories", ["parent_id"])
    op.create_table(
        "fulfillments",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("carrier", sa.String(length=60), nullable=False),
        sa.Column("tracking_number", sa.String(length=120), nullable=False),
        sa.Column("tracking_url", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("in_transit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamps(),
        sa.CheckConstraint(
            "status IN ('shipped', 'in_transit', 'delivered')", name=op.f("ck_fulfillments_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fulfillments")),
        sa.UniqueConstraint("order_id", name=op.f("uq_fulfillments_order_id")),
    )
    op.create_index(op.f("ix_fulfillments_user_id"), "fulfillments", ["user_id"])
    op.create_table(
        "reservations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        *timestamps(),
        sa.CheckConstraint(
            "status IN ('reserved', 'committed', 'released', 'expired')",
            name=op.f("ck_reservations_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
    )
    op.create_index(
        "ix_reservations_live_expiry",
        "reservations",
        ["expires_at"],
        postgresql_where="status = 'reserved'",
    )
    op.create_table(
        "restocks",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("items", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_restocks")),
    )
    op.create_table(
        "stores",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("opening_hours", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        timestamp("created_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name=op.f("ck_stores_lat_range")),
        sa.CheckConstraint("lng BETWEEN -180 AND 180", name=op.f("ck_stores_lng_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
    )
    op.create_index("ix_stores_city", "stores", ["country", "city"])
    op.create_index(
        "ix_stores_earth",
        "stores",
        [sa.literal_column("ll_to_earth(lat, lng)")],
        postgresql_using="gist",
    )
    op.create_table(
        "products",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=220), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("brand", sa.String(length=120), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("min_price", MONEY, server_default="0", nullable=False),
        sa.Column("max_price", MONEY, server_default="0", nullable=False),
        sa.Column(
            "rating_avg", sa.Numeric(precision=3, scale=2), server_default="0", nullable=False
        ),
        sa.Column("rating_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english', coalesce(name, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamps(),
        sa.CheckConstraint("status IN ('active', 'archived')", name=op.f("ck_products_status")),
        sa.CheckConstraint(
            "min_price >= 0 AND max_price >= min_price", name=op.f("ck_products_price_range")
        ),
        foreign_key("products", "category_id", "categories", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("slug", name=op.f("uq_products_slug")),
    )
    for name, columns in ACTIVE_PRODUCT_INDEXES.items():
        op.create_index(name, "products", columns, postgresql_where="status = 'active'")
    op.create_index(
        "ix_products_name_trgm",
        "products",
        ["name"],
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_products_search_vector",
        "products",
        ["search_vector"],
        postgresql_using="gin",
    )
    op.create_table(
        "product_images",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("alt", sa.String(length=300), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        foreign_key("product_images", "product_id", "products", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_images")),
    )
    op.create_index(op.f("ix_product_images_product_id"), "product_images", ["product_id"])
    op.create_table(
        "reviews",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("verified_purchase", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_range")),
        foreign_key("reviews", "product_id", "products", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
    )
    op.create_index("ix_reviews_product_newest", "reviews", ["product_id", "created_at"])
    op.create_table(
        "variants",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamps(),
        sa.CheckConstraint("price >= 0", name=op.f("ck_variants_price_not_negative")),
        foreign_key("variants", "product_id", "products", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variants")),
        sa.UniqueConstraint("sku", name=op.f("uq_variants_sku")),
    )
    op.create_index(
        "ix_variants_price_product",
        "variants",
        ["price", "product_id"],
        postgresql_where="active",
    )
    op.create_index("ix_variants_product_price", "variants", ["product_id", "price"])
    op.create_table(
        "inventory",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reorder_level", sa.Integer(), server_default="5", nullable=False),
        *timestamps(),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_inventory_on_hand_not_negative")),
        sa.CheckConstraint(
            "reorder_level >= 0", name=op.f("ck_inventory_reorder_level_not_negative")
        ),
        sa.CheckConstraint(
            "reserved <= on_hand", name=op.f("ck_inventory_reserved_within_on_hand")
        ),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_inventory_reserved_not_negative")),
        foreign_key("inventory", "sku", "variants", referred_column="sku", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_inventory")),
    )
    op.create_index(
        "ix_inventory_available",
        "inventory",
        ["sku"],
        postgresql_where="on_hand > reserved",
    )
    op.create_table(
        "reservation_items",
        sa.Column("reservation_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_reservation_items_quantity_positive")),
        foreign_key("reservation_items", "reservation_id", "reservations", ondelete="CASCADE"),
        foreign_key("reservation_items", "sku", "variants", referred_column="sku"),
        sa.PrimaryKeyConstraint("reservation_id", "sku", name=op.f("pk_reservation_items")),
    )


def downgrade() -> None:
    op.drop_table("reservation_items")
    op.drop_index("ix_inventory_available", table_name="inventory")
    op.drop_table("inventory")
    op.drop_index("ix_variants_product_price", table_name="variants")
    op.drop_index("ix_variants_price_product", table_name="variants")
    op.drop_table("variants")
    op.drop_index("ix_reviews_product_newest", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index(op.f("ix_product_images_product_id"), table_name="product_images")
    op.drop_table("product_images")
    op.drop_index("ix_products_search_vector", table_name="products")
    op.drop_index("ix_products_name_trgm", table_name="products")
    for name in reversed(ACTIVE_PRODUCT_INDEXES):
        op.drop_index(name, table_name="products")
    op.drop_table("products")
    op.drop_index("ix_stores_earth", table_name="stores")
    op.drop_index("ix_stores_city", table_name="stores")
    op.drop_table("stores")
    op.drop_table("restocks")
    op.drop_index("ix_reservations_live_expiry", table_name="reservations")
    op.drop_table("reservations")
    op.drop_index(op.f("ix_fulfillments_user_id"), table_name="fulfillments")
    op.drop_table("fulfillments")
    op.drop_index(op.f("ix_categories_parent_id"), table_name="categories")
    op.drop_table("categories")
