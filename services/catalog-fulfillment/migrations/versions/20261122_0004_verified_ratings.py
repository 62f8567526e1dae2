"""ratings count verified purchases only; newest verified-purchase answer per user and product"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0004"
down_revision = "0003"

# rating_avg/rating_count of every product from the reviews `counted` selects.
REFRESH_RATINGS = """
    UPDATE products p
       SET rating_count = s.n, rating_avg = s.average
      FROM (SELECT p2.id,
                   count(r.id) AS n,
                   coalesce(round(avg(r.rating), 2), 0) AS average
              FROM products p2
              LEFT JOIN reviews r ON r.product_id = p2.id AND ({counted})
             GROUP BY p2.id) s
     WHERE p.id = s.id
       AND (p.rating_count, p.rating_avg) IS DISTINCT FROM (s.n, s.average)
"""


def upgrade() -> None:
    op.create_table(
        "purchase_checks",
        ddl.required("user_id", sa.Uuid()),
        ddl.required("product_id", sa.Uuid()),
        ddl.required("verified", sa.Boolean()),
        ddl.required("asked_at", ddl.TIMESTAMPTZ),
        ddl.foreign_key("purchase_checks", "product_id", "products", ondelete="CASCADE"),
        ddl.primary_key("purchase_checks", "user_id", "product_id"),
    )
    op.add_column("reviews", ddl.optional("verification_due_at", ddl.TIMESTAMPTZ))
    ddl.create_index_where_not_null("ix_reviews_verification_due", "reviews", "verification_due_at")
    # A verified review was verified by identity-commerce when it was written.
    op.execute(
        """
        INSERT INTO purchase_checks (user_id, product_id, verified, asked_at)
        SELECT user_id, product_id, true, created_at FROM reviews WHERE verified_purchase
        """
    )
    # An unverified one may have been stored while identity-commerce was down: ask again.
    op.execute("UPDATE reviews SET verification_due_at = now() WHERE NOT verified_purchase")
    op.execute(REFRESH_RATINGS.format(counted="r.verified_purchase"))


def downgrade() -> None:
    op.execute(REFRESH_RATINGS.format(counted="true"))
    op.drop_index("ix_reviews_verification_due", table_name="reviews")
    op.drop_column("reviews", "verification_due_at")
    op.drop_table("purchase_checks")
