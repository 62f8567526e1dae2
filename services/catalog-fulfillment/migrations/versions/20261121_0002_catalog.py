"""catalog, inventory, reservations, reviews, stores and fulfillments

Also enables pg_trgm (typo-tolerant search) and cube + earthdistance (store locator index)."""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl
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
        ddl.required("name", sa.String(120)),
        ddl.required("slug", sa.String(140)),
        ddl.required("description", sa.Text(), server_default=""),
        ddl.optional("parent_id", sa.Uuid()),
        ddl.required("position", sa.Integer(), server_default="0"),
        ddl.timestamp("created_at"),
        *ddl.uuid_primary_key("categories"),
        ddl.foreign_key("categories", "parent_id", "categories", ondelete="RESTRICT"),
        ddl.unique("categories", "slug"),
    )
    op.create_index(op.f("ix_categories_parent_id"), "categories", ["parent_id"])
    op.create_table(
        "fulfillments",
        ddl.required("order_id", sa.Uuid()),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("carrier", sa.String(60)),
        ddl.required("tracking_number", sa.String(120)),
        ddl.optional("tracking_url", sa.String(500)),
        ddl.required("status", sa.String(16)),
        ddl.required("shipped_at", ddl.TIMESTAMPTZ),
        ddl.optional("in_transit_at", ddl.TIMESTAMPTZ),
        ddl.optional("delivered_at", ddl.TIMESTAMPTZ),
        *ddl.uuid_primary_key("fulfillments"),
        *ddl.timestamps(),
        ddl.check(
            "fulfillments", "status", ddl.one_of("status", ("shipped", "in_transit", "delivered"))
        ),
        ddl.unique("fulfillments", "order_id"),
    )
    op.create_index(op.f("ix_fulfillments_user_id"), "fulfillments", ["user_id"])
    op.create_table(
        "reservations",
        *ddl.uuid_primary_key("reservations"),
        ddl.required("status", sa.String(16)),
        ddl.required("expires_at", ddl.TIMESTAMPTZ),
        ddl.optional("committed_at", ddl.TIMESTAMPTZ),
        ddl.optional("released_at", ddl.TIMESTAMPTZ),
        *ddl.timestamps(),
        ddl.check(
            "reservations",
            "status",
            ddl.one_of("status", ("reserved", "committed", "released", "expired")),
        ),
    )
    op.create_index(
        "ix_reservations_live_expiry",
        "reservations",
        ["expires_at"],
        postgresql_where="status = 'reserved'",
    )
    op.create_table(
        "restocks",
        ddl.required("key", sa.String(200)),
        ddl.required("items", ddl.JSONB),
        ddl.timestamp("created_at"),
        ddl.primary_key("restocks", "key"),
    )
    op.create_table(
        "stores",
        ddl.required("name", sa.String(200)),
        ddl.required("address", sa.String(300)),
        ddl.required("city", sa.String(120)),
        ddl.optional("region", sa.String(120)),
        ddl.optional("postal_code", sa.String(20)),
        ddl.required("country", sa.String(2)),
        ddl.required("lat", sa.Float()),
        ddl.required("lng", sa.Float()),
        ddl.optional("phone", sa.String(40)),
        ddl.required("opening_hours", ddl.JSONB),
        ddl.timestamp("created_at"),
        *ddl.uuid_primary_key("stores"),
        ddl.check("stores", "lat_range", "lat BETWEEN -90 AND 90"),
        ddl.check("stores", "lng_range", "lng BETWEEN -180 AND 180"),
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
        ddl.required("name", sa.String(200)),
        ddl.required("slug", sa.String(220)),
        ddl.required("description", sa.Text(), server_default=""),
        ddl.optional("brand", sa.String(120)),
        ddl.required("category_id", sa.Uuid()),
        ddl.required("status", sa.String(16), server_default="active"),
        ddl.required("currency", sa.String(3), server_default="USD"),
        ddl.required("min_price", ddl.MONEY, server_default="0"),
        ddl.required("max_price", ddl.MONEY, server_default="0"),
        ddl.required("rating_avg", sa.Numeric(precision=3, scale=2), server_default="0"),
        ddl.required("rating_count", sa.Integer(), server_default="0"),
        ddl.required(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english', coalesce(name, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')",
                persisted=True,
            ),
        ),
        *ddl.uuid_primary_key("products"),
        *ddl.timestamps(),
        ddl.check("products", "status", ddl.one_of("status", ("active", "archived"))),
        ddl.check("products", "price_range", "min_price >= 0 AND max_price >= min_price"),
        ddl.foreign_key("products", "category_id", "categories", ondelete="RESTRICT"),
        ddl.unique("products", "slug"),
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
        ddl.required("product_id", sa.Uuid()),
        ddl.required("url", sa.String(2000)),
        ddl.required("alt", sa.String(300), server_default=""),
        ddl.required("position", sa.Integer(), server_default="0"),
        *ddl.uuid_primary_key("product_images"),
        ddl.foreign_key("product_images", "product_id", "products", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_product_images_product_id"), "product_images", ["product_id"])
    op.create_table(
        "reviews",
        ddl.required("product_id", sa.Uuid()),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("author_name", sa.String(120)),
        ddl.required("rating", sa.SmallInteger()),
        ddl.required("title", sa.String(200)),
        ddl.required("comment", sa.Text()),
        ddl.required("verified_purchase", sa.Boolean()),
        ddl.timestamp("created_at"),
        *ddl.uuid_primary_key("reviews"),
        ddl.check("reviews", "rating_range", "rating BETWEEN 1 AND 5"),
        ddl.foreign_key("reviews", "product_id", "products", ondelete="CASCADE"),
        sa.UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
    )
    op.create_index("ix_reviews_product_newest", "reviews", ["product_id", "created_at"])
    op.create_table(
        "variants",
        ddl.required("product_id", sa.Uuid()),
        ddl.required("sku", sa.String(64)),
        ddl.required("name", sa.String(200)),
        ddl.required("attributes", ddl.JSONB, server_default="{}"),
        ddl.required("price", ddl.MONEY),
        ddl.required("currency", sa.String(3), server_default="USD"),
        ddl.required("active", sa.Boolean(), server_default="true"),
        ddl.required("position", sa.Integer(), server_default="0"),
        *ddl.uuid_primary_key("variants"),
        *ddl.timestamps(),
        ddl.check("variants", "price_not_negative", "price >= 0"),
        ddl.foreign_key("variants", "product_id", "products", ondelete="RESTRICT"),
        ddl.unique("variants", "sku"),
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
        ddl.required("sku", sa.String(64)),
        ddl.required("on_hand", sa.Integer()),
        ddl.required("reserved", sa.Integer(), server_default="0"),
        ddl.required("reorder_level", sa.Integer(), server_default="5"),
        *ddl.timestamps(),
        ddl.check("inventory", "on_hand_not_negative", "on_hand >= 0"),
        ddl.check("inventory", "reorder_level_not_negative", "reorder_level >= 0"),
        ddl.check("inventory", "reserved_within_on_hand", "reserved <= on_hand"),
        ddl.check("inventory", "reserved_not_negative", "reserved >= 0"),
        ddl.foreign_key("inventory", "sku", "variants", referred_column="sku", ondelete="RESTRICT"),
        ddl.primary_key("inventory", "sku"),
    )
    op.create_index(
        "ix_inventory_available",
        "inventory",
        ["sku"],
        postgresql_where="on_hand > reserved",
    )
    op.create_table(
        "reservation_items",
        ddl.required("reservation_id", sa.Uuid()),
        ddl.required("sku", sa.String(64)),
        ddl.required("quantity", sa.Integer()),
        ddl.check("reservation_items", "quantity_positive", "quantity > 0"),
        ddl.foreign_key("reservation_items", "reservation_id", "reservations", ondelete="CASCADE"),
        ddl.foreign_key("reservation_items", "sku", "variants", referred_column="sku"),
        ddl.primary_key("reservation_items", "reservation_id", "sku"),
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
