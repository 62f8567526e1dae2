"""shopper essentials: one-time account links (password reset, email verification),
verified emails, guest carts and guest orders

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    # Accounts made before verification existed keep what they could do (write reviews):
    # taking that away by a migration would punish them for a check they were never offered.
    op.execute("UPDATE users SET email_verified_at = created_at")

    op.create_table(
        "account_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "purpose IN ('password_reset', 'email_verification')",
            name=op.f("ck_account_links_purpose_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    op.create_index("ix_account_links_user_id_purpose", "account_links", ["user_id", "purpose"])
    op.create_index("ix_account_links_expires_at", "account_links", ["expires_at"])

    op.create_table(
        "guest_carts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "last_used_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guest_carts")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_guest_carts_token_hash")),
    )
    op.create_index("ix_guest_carts_last_used_at", "guest_carts", ["last_used_at"])

    op.alter_column("cart_items", "user_id", nullable=True)
    op.add_column("cart_items", sa.Column("guest_cart_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_cart_items_guest_cart_id_guest_carts"),
        "cart_items",
        "guest_carts",
        ["guest_cart_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_check_constraint(
        op.f("ck_cart_items_one_owner"),
        "cart_items",
        "(user_id IS NULL) <> (guest_cart_id IS NULL)",
    )
    op.create_unique_constraint(
        "uq_cart_items_guest_cart_id_sku", "cart_items", ["guest_cart_id", "sku"]
    )

    # A guest checkout's Idempotency-Key belongs to its cart.
    op.alter_column("idempotency_keys", "user_id", nullable=True)
    op.add_column("idempotency_keys", sa.Column("guest_cart_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_idempotency_keys_guest_cart_id_guest_carts"),
        "idempotency_keys",
        "guest_carts",
        ["guest_cart_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_unique_constraint(
        "uq_idempotency_keys_guest_cart_id_key", "idempotency_keys", ["guest_cart_id", "key"]
    )
    op.create_check_constraint(
        op.f("ck_idempotency_keys_one_owner"),
        "idempotency_keys",
        "(user_id IS NULL) <> (guest_cart_id IS NULL)",
    )

    op.alter_column("orders", "user_id", nullable=True)
    op.add_column("orders", sa.Column("guest_token", sa.String(length=64), nullable=True))
    op.add_column("orders", sa.Column("guest_cart_id", sa.Uuid(), nullable=True))
    op.create_unique_constraint(op.f("uq_orders_guest_token"), "orders", ["guest_token"])
    op.create_check_constraint(
        op.f("ck_orders_account_or_guest_token"),
        "orders",
        "user_id IS NOT NULL OR guest_token IS NOT NULL",
    )
    # Pending guest orders per cart (the per-cart abuse limit) are found by this index.
    op.create_index(
        "ix_orders_guest_cart_id",
        "orders",
        ["guest_cart_id"],
        postgresql_where=sa.text("guest_cart_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_guest_cart_id", table_name="orders")
    op.drop_constraint("ck_orders_account_or_guest_token", "orders", type_="check")
    op.drop_constraint("uq_orders_guest_token", "orders", type_="unique")
    op.drop_column("orders", "guest_cart_id")
    op.drop_column("orders", "guest_token")
    op.execute("DELETE FROM orders WHERE user_id IS NULL")
    op.alter_column("orders", "user_id", nullable=False)
    op.drop_constraint("ck_idempotency_keys_one_owner", "idempotency_keys", type_="check")
    op.drop_constraint("uq_idempotency_keys_guest_cart_id_key", "idempotency_keys", type_="unique")
    op.drop_constraint(
        "fk_idempotency_keys_guest_cart_id_guest_carts", "idempotency_keys", type_="foreignkey"
    )
    op.execute("DELETE FROM idempotency_keys WHERE user_id IS NULL")
    op.drop_column("idempotency_keys", "guest_cart_id")
    op.alter_column("idempotency_keys", "user_id", nullable=False)
    op.drop_constraint("uq_cart_items_guest_cart_id_sku", "cart_items", type_="unique")
    op.drop_constraint("ck_cart_items_one_owner", "cart_items", type_="check")
    op.drop_constraint("fk_cart_items_guest_cart_id_guest_carts", "cart_items", type_="foreignkey")
    op.execute("DELETE FROM cart_items WHERE user_id IS NULL")
    op.drop_column("cart_items", "guest_cart_id")
    op.alter_column("cart_items", "user_id", nullable=False)
    op.drop_index("ix_guest_carts_last_used_at", table_name="guest_carts")
    op.drop_table("guest_carts")
    op.drop_index("ix_account_links_expires_at", table_name="account_links")
    op.drop_index("ix_account_links_user_id_purpose", table_name="account_links")
    op.drop_table("account_links")
    op.drop_column("users", "email_verified_at")
