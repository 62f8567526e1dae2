"""orders: the discount, promo code and shipping method an order was priced with

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("discount", sa.Numeric(12, 2), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("orders", sa.Column("promo_code", sa.String(64), nullable=True))
    op.add_column("orders", sa.Column("shipping_method", sa.String(100), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "shipping_method")
    op.drop_column("orders", "promo_code")
    op.drop_column("orders", "discount")
