# ruff: noqa: S608  (SQL assembled from this file's own constants)
"""active products counted per category and price band, kept by statement triggers;
rating order within a category from an index

A listing's total and facets (count per category, per price band) without a search,
price or stock filter are sums over this table of a few hundred rows instead of a count
over every active product. Statement-level triggers with transition tables keep it exact
in the writing transaction: one grouped upsert per statement, so a bulk insert of 100k
products costs one statement, and keys are updated in a fixed order (no deadlock between
two writers moving products in opposite directions).

ix_products_active_category_rating serves "best rated in this category" as an index scan,
like ix_products_active_category (newest) and ix_products_active_facets (price) do.
"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0006"
down_revision = "0005"

# The same bands as catalog_fulfillment.services.catalog.PRICE_BANDS (a test checks it).
PRICE_BAND_SQL = """
    CREATE FUNCTION catalog_price_band(price numeric) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN price < 25 THEN 0 WHEN price < 50 THEN 1 WHEN price < 100 THEN 2
                    WHEN price < 250 THEN 3 WHEN price < 500 THEN 4 WHEN price < 1000 THEN 5
                    ELSE 6 END::smallint
    $$
"""


def _upsert(delta: str) -> str:
    """Add the grouped delta of the changed rows to the counts, keys in a fixed order."""
    return f"""
        INSERT INTO catalog_facet_counts AS c (category_id, band, products)
        SELECT category_id, band, sum(n) FROM ({delta}) AS delta
         GROUP BY category_id, band
        HAVING sum(n) <> 0
         ORDER BY category_id, band
        ON CONFLICT (category_id, band) DO UPDATE SET products = c.products + EXCLUDED.products;
    """


ADDED = "SELECT category_id, catalog_price_band(min_price) AS band, 1 AS n FROM changed_new"
REMOVED = "SELECT category_id, catalog_price_band(min_price) AS band, -1 AS n FROM changed_old"
ACTIVE = " WHERE status = 'active'"

# PL/pgSQL plans a statement when it first runs it, so each branch may name only the
# transition tables its event has.
COUNT_CHANGES = f"""
    CREATE FUNCTION products_count_facets() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_upsert(ADDED + ACTIVE)}
        ELSIF TG_OP = 'DELETE' THEN
            {_upsert(REMOVED + ACTIVE)}
        ELSIF TG_OP = 'UPDATE' THEN
            {_upsert(ADDED + ACTIVE + " UNION ALL " + REMOVED + ACTIVE)}
        ELSE
            DELETE FROM catalog_facet_counts;
        END IF;
        RETURN NULL;
    END
    $$
"""
TRIGGERS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS changed_new"),
    "update": ("UPDATE", "REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new"),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS changed_old"),
    "truncate": ("TRUNCATE", ""),
}


def upgrade() -> None:
    op.create_table(
        "catalog_facet_counts",
        ddl.required("category_id", sa.Uuid()),
        ddl.required("band", sa.SmallInteger()),
        ddl.required("products", sa.BigInteger()),
        ddl.primary_key("catalog_facet_counts", "category_id", "band"),
    )
    op.execute(PRICE_BAND_SQL)
    op.execute(COUNT_CHANGES)
    for name, (event, referencing) in TRIGGERS.items():
        op.execute(
            f"""
            CREATE TRIGGER products_facets_{name} AFTER {event} ON products {referencing}
            FOR EACH STATEMENT EXECUTE FUNCTION products_count_facets()
            """
        )
    op.create_index(
        "ix_products_active_category_rating",
        "products",
        ["category_id", "rating_avg", "rating_count", "id"],
        postgresql_where="status = 'active'",
    )
    op.execute(
        """
        INSERT INTO catalog_facet_counts (category_id, band, products)
        SELECT category_id, catalog_price_band(min_price), count(*)
          FROM products WHERE status = 'active'
         GROUP BY 1, 2
        """
    )


def downgrade() -> None:
    op.drop_index("ix_products_active_category_rating", table_name="products")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER products_facets_{name} ON products")
    op.execute("DROP FUNCTION products_count_facets()")
    op.execute("DROP FUNCTION catalog_price_band(numeric)")
    op.drop_table("catalog_facet_counts")
