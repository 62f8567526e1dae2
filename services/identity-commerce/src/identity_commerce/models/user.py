"""Accounts: customers and admins who sign in with an email and a password."""

from __future__ import annotations

import enum
from datetime import datetime

from shopkit.db import Timestamps, UUIDPrimaryKey
from shopkit.tokens import PERMISSIONS
from sqlalchemy import CheckConstraint, String, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base


class UserRole(enum.StrEnum):
    customer = "customer"
    staff = "staff"  # the back office, limited to its permissions (docs/permissions.md)
    admin = "admin"


_PERMISSION_NAMES = ", ".join(f"'{name}'" for name in PERMISSIONS)


class User(UUIDPrimaryKey, Timestamps, Base):
    """One account. `email` is stored trimmed and lower-cased, so the plain unique
    constraint is a case-insensitive one (the check constraint keeps it that way)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(btrim(email))", name="email_normalised"),
        CheckConstraint("role IN ('customer', 'staff', 'admin')", name="role_known"),
        # Permissions mean something for staff only: an admin holds all, a customer none.
        CheckConstraint(
            f"permissions <@ ARRAY[{_PERMISSION_NAMES}]::varchar[] "
            "AND (role = 'staff' OR cardinality(permissions) = 0)",
            name="permissions_known",
        ),
        CheckConstraint("token_version >= 0", name="token_version_not_negative"),
    )

    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default=UserRole.customer.value)
    permissions: Mapped[list[str]] = mapped_column(
        ARRAY(String(16)), default=list, server_default=text("'{}'")
    )
    is_active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    last_login_at: Mapped[datetime | None] = mapped_column()
    password_changed_at: Mapped[datetime | None] = mapped_column()
    # Goes up when every access token issued so far must stop working (a password change,
    # the account disabled, its role or permissions changed);
    # tokens carry it as `ver` and the account check compares.
    token_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # When the owner proved the address is theirs (a link sent to it); None: not yet.
    email_verified_at: Mapped[datetime | None] = mapped_column()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
