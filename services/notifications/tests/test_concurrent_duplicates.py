"""The same event delivered twice at the same moment (two relays, or a retry racing a slow
first attempt) over two real connections: one delivery sends, the other is a duplicate."""

from __future__ import annotations

import asyncio
import uuid

from notifications.clients import Notifier
from notifications.clients.base import OutgoingMessage, Receipt
from notifications.core.config import Settings
from notifications.models import SentMessage
from notifications.services.intake import handle_event
from shopkit.db import Database
from sqlalchemy import func, select

from tests.factories import envelope


class SlowProvider:
    """Holds each message briefly so the two deliveries really overlap."""

    name = "slow"

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> Receipt:
        await asyncio.sleep(0.3)
        self.sent.append(message)
        return Receipt(provider=self.name, message_id=uuid.uuid4().hex)


async def test_simultaneous_duplicates_send_once(clone_database) -> None:  # type: ignore[no-untyped-def]
    db = Database(await clone_database("dupes"), pool_size=2)
    provider = SlowProvider()
    notifier = Notifier(email=provider, sms=provider)
    settings = Settings()
    body = envelope("ORDER_PAID")

    async def deliver() -> str:
        async with db.sessionmaker() as session, session.begin():
            outcome = await handle_event(session, body, notifier=notifier, settings=settings)
            return outcome.status

    try:
        statuses = await asyncio.gather(deliver(), deliver())
        async with db.sessionmaker() as session:
            logged = await session.scalar(select(func.count()).select_from(SentMessage))
    finally:
        await db.dispose()
    assert sorted(statuses) == ["duplicate", "sent"]
    assert len(provider.sent) == 2  # one email + one SMS, once
    assert logged == 2
