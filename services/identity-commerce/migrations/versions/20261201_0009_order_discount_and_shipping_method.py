"""orders: the discount, promo code and shipping method an order was priced with"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.add_column(
        "orders",
        ddl.required("discount", ddl.MONEY, server_default=sa.text("0")),
    )
    op.add_column("orders", ddl.optional("promo_code", sa.String(64)))
    op.add_column("orders", ddl.optional("shipping_method", sa.String(100)))


def downgrade() -> None:
    op.drop_column("orders", "shipping_method")
    op.drop_column("orders", "promo_code")
    op.drop_column("orders", "discount")
