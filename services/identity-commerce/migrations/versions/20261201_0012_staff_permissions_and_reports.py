"""users: the staff role and its permissions; indexes the sales reports read by"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"

PERMISSIONS = "ARRAY['orders', 'catalog', 'customers', 'reports']::varchar[]"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_users_role_known"), "users", type_="check")
    op.create_check_constraint(
        op.f("ck_users_role_known"), "users", ddl.one_of("role", ("customer", "staff", "admin"))
    )
    op.add_column(
        "users",
        ddl.required(
            "permissions", postgresql.ARRAY(sa.String(16)), server_default=sa.text("'{}'")
        ),
    )
    op.create_check_constraint(
        op.f("ck_users_permissions_known"),
        "users",
        f"permissions <@ {PERMISSIONS} AND (role = 'staff' OR cardinality(permissions) = 0)",
    )
    # Sales reports read every order of a date range, whatever its status, and refunds by
    # when they happened.
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_payment_refunds_created_at", "payment_refunds", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_payment_refunds_created_at", table_name="payment_refunds")
    op.drop_index("ix_orders_created_at", table_name="orders")
    op.drop_constraint(op.f("ck_users_permissions_known"), "users", type_="check")
    op.drop_column("users", "permissions")
    # Staff become customers again: the narrower role check would refuse them otherwise.
    op.execute(
        "UPDATE users SET role = 'customer', token_version = token_version + 1 WHERE role = 'staff'"
    )
    op.drop_constraint(op.f("ck_users_role_known"), "users", type_="check")
    op.create_check_constraint(
        op.f("ck_users_role_known"), "users", ddl.one_of("role", ("customer", "admin"))
    )
