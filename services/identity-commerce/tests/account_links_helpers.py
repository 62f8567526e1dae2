"""Reading the account links identity-commerce queued for notifications (the email's
token), as the email would carry them."""

from __future__ import annotations

from typing import Any

from identity_commerce.models import OutboxMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession


async def queued_links(
    session: AsyncSession, *, event_type: str, email: str
) -> list[dict[str, Any]]:
    """The `data` of every queued event of this type for this email, oldest first."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.event_type == event_type)
        .order_by(OutboxMessage.seq)
    )
    return [row.payload["data"] for row in rows if row.payload["data"]["email"] == email]


async def last_token(session: AsyncSession, *, event_type: str, email: str) -> str:
    links = await queued_links(session, event_type=event_type, email=email)
    assert links, f"no {event_type} queued for {email}"
    return str(links[-1]["token"])
