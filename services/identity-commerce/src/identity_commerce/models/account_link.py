"""One-time links sent by email: password reset and email verification.

Only the SHA-256 of a link's token is stored: whoever reads the table (a backup, a replica)
cannot use a link. A link is good once, until `expires_at`, and only while the account's
token version is the one it was issued at (a password change or reset ends every link sent
before it), and for the email it was sent to.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from shopkit.db import UUIDPrimaryKey
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from identity_commerce.db.base import Base, one_of


class LinkPurpose(enum.StrEnum):
    password_reset = "password_reset"
    email_verification = "email_verification"


class AccountLink(UUIDPrimaryKey, Base):
    __tablename__ = "account_links"
    __table_args__ = (
        one_of("purpose", LinkPurpose, name="purpose_known"),
        Index("ix_account_links_user_id_purpose", "user_id", "purpose"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The account's token version and email when the link was sent.
    token_version: Mapped[int] = mapped_column()
    email: Mapped[str] = mapped_column(String(320))
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
