"""shopper essentials: one-time account links (password reset, email verification),
verified emails, guest carts and guest orders"""

import sqlalchemy as sa
from alembic import op
from shopkit import migration_ops as ddl

revision = "0007"
down_revision = "0006"

ONE_OWNER = "(user_id IS NULL) <> (guest_cart_id IS NULL)"


def _owned_by_a_user_or_a_guest_cart(table: str, *, unique_per_owner: str) -> None:
    """Rows of `table` belong to a user or to a guest cart (new), never both; its
    `unique_per_owner` column stays unique per guest cart as it is per user."""
    op.alter_column(table, "user_id", nullable=True)
    op.add_column(table, ddl.optional("guest_cart_id", sa.Uuid()))
    op.create_foreign_key(
        op.f(f"fk_{table}_guest_cart_id_guest_carts"),
        table,
        "guest_carts",
        ["guest_cart_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_check_constraint(op.f(f"ck_{table}_one_owner"), table, ONE_OWNER)
    op.create_unique_constraint(
        f"uq_{table}_guest_cart_id_{unique_per_owner}", table, ["guest_cart_id", unique_per_owner]
    )


def _owned_by_a_user_only(table: str, *, unique_per_owner: str) -> None:
    """Undoes `_owned_by_a_user_or_a_guest_cart`: the guest carts' rows go."""
    op.drop_constraint(f"uq_{table}_guest_cart_id_{unique_per_owner}", table, type_="unique")
    op.drop_constraint(op.f(f"ck_{table}_one_owner"), table, type_="check")
    op.drop_constraint(f"fk_{table}_guest_cart_id_guest_carts", table, type_="foreignkey")
    op.execute(f"DELETE FROM {table} WHERE user_id IS NULL")  # noqa: S608 (a name of this file)
    op.drop_column(table, "guest_cart_id")
    op.alter_column(table, "user_id", nullable=False)


def upgrade() -> None:
    op.add_column("users", ddl.optional("email_verified_at", ddl.TIMESTAMPTZ))
    # Accounts made before verification existed keep what they could do (write reviews):
    # taking that away by a migration would punish them for a check they were never offered.
    op.execute("UPDATE users SET email_verified_at = created_at")

    op.create_table(
        "account_links",
        *ddl.uuid_primary_key("account_links"),
        ddl.required("user_id", sa.Uuid()),
        ddl.required("purpose", sa.String(32)),
        ddl.required("token_hash", sa.String(64)),
        ddl.required("token_version", sa.Integer()),
        ddl.required("email", sa.String(320)),
        ddl.required("expires_at", ddl.TIMESTAMPTZ),
        ddl.optional("used_at", ddl.TIMESTAMPTZ),
        ddl.timestamp("created_at"),
        ddl.check(
            "account_links",
            "purpose_known",
            ddl.one_of("purpose", ("password_reset", "email_verification")),
        ),
        ddl.foreign_key("account_links", "user_id", "users", ondelete="CASCADE"),
        ddl.unique("account_links", "token_hash"),
    )
    op.create_index("ix_account_links_user_id_purpose", "account_links", ["user_id", "purpose"])
    op.create_index("ix_account_links_expires_at", "account_links", ["expires_at"])

    op.create_table(
        "guest_carts",
        *ddl.uuid_primary_key("guest_carts"),
        ddl.required("token_hash", sa.String(64)),
        ddl.timestamp("last_used_at"),
        ddl.timestamp("created_at"),
        ddl.unique("guest_carts", "token_hash"),
    )
    op.create_index("ix_guest_carts_last_used_at", "guest_carts", ["last_used_at"])

    _owned_by_a_user_or_a_guest_cart("cart_items", unique_per_owner="sku")
    # A guest checkout's Idempotency-Key belongs to its cart.
    _owned_by_a_user_or_a_guest_cart("idempotency_keys", unique_per_owner="key")

    op.alter_column("orders", "user_id", nullable=True)
    op.add_column("orders", ddl.optional("guest_token", sa.String(64)))
    op.add_column("orders", ddl.optional("guest_cart_id", sa.Uuid()))
    op.create_unique_constraint(op.f("uq_orders_guest_token"), "orders", ["guest_token"])
    op.create_check_constraint(
        op.f("ck_orders_account_or_guest_token"),
        "orders",
        "user_id IS NOT NULL OR guest_token IS NOT NULL",
    )
    # Pending guest orders per cart (the per-cart abuse limit) are found by this index.
    ddl.create_index_where_not_null("ix_orders_guest_cart_id", "orders", "guest_cart_id")


def downgrade() -> None:
    op.drop_index("ix_orders_guest_cart_id", table_name="orders")
    op.drop_constraint(op.f("ck_orders_account_or_guest_token"), "orders", type_="check")
    op.drop_constraint("uq_orders_guest_token", "orders", type_="unique")
    op.drop_column("orders", "guest_cart_id")
    op.drop_column("orders", "guest_token")
    op.execute("DELETE FROM orders WHERE user_id IS NULL")
    op.alter_column("orders", "user_id", nullable=False)
    _owned_by_a_user_only("idempotency_keys", unique_per_owner="key")
    _owned_by_a_user_only("cart_items", unique_per_owner="sku")
    op.drop_index("ix_guest_carts_last_used_at", table_name="guest_carts")
    op.drop_table("guest_carts")
    op.drop_index("ix_account_links_expires_at", table_name="account_links")
    op.drop_index("ix_account_links_user_id_purpose", table_name="account_links")
    op.drop_table("account_links")
    op.drop_column("users", "email_verified_at")
