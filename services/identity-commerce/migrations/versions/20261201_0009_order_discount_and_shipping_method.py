"""orders: the discount, promo code and shipping method an order was priced with"""

import sqlalchemy as sa
from alembic import op
from shopkit.migration_ops import MONEY

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("discount", MONEY, nullable=False, server_default=sa.text("0")),
    )
    op.add_column("orders", sa.Column("promo_code", sa.String(64), nullable=True))
    op.add_column("orders", sa.Column("shipping_method", sa.String(100), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "shipping_method")
    op.drop_column("orders", "promo_code")
    op.drop_column("orders", "discount")
