"""One-time account links sent by email: password reset and email verification.

Rules, in one place:

- A link's token is 256 random bits (`secrets.token_urlsafe(32)`); only its SHA-256 is
  stored, so a copy of the table opens nothing. (The token is long and random: a plain hash
  is enough, no salt or slow hash needed.)
- A link is good once, until it expires, and only while the account still has the email it
  was sent to and the token version it was issued at. A password change or reset raises the
  token version, so it ends every access token and every link sent before it.
- Redeeming locks the link's row (`FOR UPDATE`): two clicks at once redeem it once, the
  other answers 400 like any used link.
- Every failure (unknown, used, expired, superseded) answers the same 400, so a caller
  learns nothing about which links exist.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from shopkit.db import utcnow
from shopkit.errors import BadRequest
from shopkit.events import EventType, make_event
from shopkit.outbox import add_event
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import AccountLink, LinkPurpose, OutboxMessage, User

SOURCE = "identity-commerce"
INVALID_LINK = "This link is invalid, was already used or has expired; ask for a new one"

EVENT_OF_PURPOSE = {
    LinkPurpose.password_reset: EventType.PASSWORD_RESET_REQUESTED,
    LinkPurpose.email_verification: EventType.EMAIL_VERIFICATION_REQUESTED,
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def send_link(
    session: AsyncSession, *, user: User, purpose: LinkPurpose, ttl: timedelta
) -> str:
    """Store a new link for `user` and queue the event whose email carries it (same
    transaction). Returns the token (only the email and the caller's tests ever see it)."""
    token = new_token()
    expires_at = utcnow() + ttl
    session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose.value,
            token_hash=token_hash(token),
            token_version=user.token_version,
            email=user.email,
            expires_at=expires_at,
        )
    )
    add_event(
        session,
        OutboxMessage,
        make_event(
            EVENT_OF_PURPOSE[purpose],
            source=SOURCE,
            data=_event_data(user, token=token, expires_at=expires_at),
        ),
        aggregate_id=user.id,
    )
    await session.flush()
    return token


def _event_data(user: User, *, token: str, expires_at: datetime) -> dict[str, Any]:
    return {
        "user_id": str(user.id),
        "email": user.email,
        "customer_name": user.full_name,
        "token": token,
        "expires_at": expires_at.isoformat(),
    }


async def redeem(session: AsyncSession, *, token: str, purpose: LinkPurpose) -> User:
    """Use the link: its account (locked for the rest of the transaction), or 400."""
    now = utcnow()
    link = await session.scalar(
        select(AccountLink)
        .where(AccountLink.token_hash == token_hash(token), AccountLink.purpose == purpose.value)
        .with_for_update()
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise BadRequest(INVALID_LINK)
    user = await session.scalar(select(User).where(User.id == link.user_id).with_for_update())
    if (
        user is None
        or not user.is_active
        or user.token_version != link.token_version
        or user.email != link.email
    ):
        raise BadRequest(INVALID_LINK)
    link.used_at = now
    await session.flush()
    return user


async def end_links(session: AsyncSession, *, user_id: uuid.UUID, purpose: LinkPurpose) -> None:
    """Mark every unused link of this purpose used (after a reset: the others are moot)."""
    await session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user_id,
            AccountLink.purpose == purpose.value,
            AccountLink.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


async def delete_expired(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Expired links open nothing; the counter sweeper drops them with the old counters."""
    result = await session.execute(
        delete(AccountLink).where(AccountLink.expires_at <= (now or utcnow()))
    )
    return cast(CursorResult[Any], result).rowcount or 0
