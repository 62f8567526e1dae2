"""Reading the sent log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from shopkit.pages import count_rows, one_page
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.models import SentMessage


async def list_sent_messages(
    session: AsyncSession,
    *,
    event_type: str | None = None,
    recipient: str | None = None,
    event_id: uuid.UUID | None = None,
    channel: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[Sequence[SentMessage], int]:
    conditions = []
    if event_type is not None:
        conditions.append(SentMessage.event_type == event_type)
    if recipient is not None:
        conditions.append(func.lower(SentMessage.recipient) == recipient.strip().lower())
    if event_id is not None:
        conditions.append(SentMessage.event_id == event_id)
    if channel is not None:
        conditions.append(SentMessage.channel == channel)
    total = await count_rows(session, SentMessage, *conditions)
    listed = (
        select(SentMessage).where(*conditions).order_by(SentMessage.sent_at.desc(), SentMessage.id)
    )
    rows = await session.scalars(one_page(listed, page, page_size))
    return rows.all(), total
