"""search lexicon for typo correction, kept current by a trigger; facet covering index"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0003"
down_revision = "0002"

# Words of product names (letters only, 3+ characters, lower case); model numbers such as
# "wh-1000xm5" are left out: nobody misspells them into something else.
WORDS_OF = """
    SELECT DISTINCT lower(token) AS word
      FROM regexp_split_to_table({name}, '[^[:alpha:]]+') AS token
     WHERE length(token) BETWEEN 3 AND 100
"""


def upgrade() -> None:
    op.create_table(
        "search_terms",
        ddl.required("word", sa.String(100)),
        ddl.primary_key("search_terms", "word"),
    )
    op.create_index(
        "ix_search_terms_word_trgm",
        "search_terms",
        ["word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    )
    op.execute(
        f"""
        CREATE FUNCTION products_add_search_terms() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO search_terms (word) {WORDS_OF.format(name="NEW.name")}
            ON CONFLICT DO NOTHING;
            RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER products_search_terms
        AFTER INSERT OR UPDATE OF name ON products
        FOR EACH ROW EXECUTE FUNCTION products_add_search_terms()
        """
    )
    op.execute(
        """
        INSERT INTO search_terms (word)
        SELECT DISTINCT lower(token)
          FROM products, regexp_split_to_table(products.name, '[^[:alpha:]]+') AS token
         WHERE length(token) BETWEEN 3 AND 100
        ON CONFLICT DO NOTHING
        """
    )
    op.create_index(
        "ix_products_active_facets",
        "products",
        ["category_id", "min_price"],
        postgresql_where="status = 'active'",
    )


def downgrade() -> None:
    op.drop_index("ix_products_active_facets", table_name="products")
    op.execute("DROP TRIGGER products_search_terms ON products")
    op.execute("DROP FUNCTION products_add_search_terms()")
    op.drop_table("search_terms")
