"""Retention of the notification log: events older than NOTIFY_LOG_RETENTION_DAYS go with
their messages, younger ones stay; replicas share the work; the app runs it by itself."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from notifications.clients import Notifier
from notifications.clients.base import OutgoingMessage, Receipt
from notifications.core.config import Settings
from notifications.main import create_app
from notifications.models import HandledEvent, SentMessage
from notifications.services.intake import handle_event
from notifications.services.retention import notification_log_retention
from shopkit.db import Database, make_sessionmaker
from shopkit.retention import purge
from sqlalchemy import select, text

from tests.factories import envelope

NINETY_DAYS = timedelta(days=90)


class AcceptingProvider:
    name = "accepting"

    async def send(self, message: OutgoingMessage) -> Receipt:
        return Receipt(provider=self.name, message_id=uuid.uuid4().hex)


async def handle(db: Database, count: int, *, age: timedelta) -> list[uuid.UUID]:
    """`count` ORDER_PAID events handled through the real intake (an email and an SMS each),
    then dated `age` back."""
    provider = AcceptingProvider()
    notifier = Notifier(email=provider, sms=provider)
    ids = []
    for _ in range(count):
        body = envelope("ORDER_PAID")
        async with db.sessionmaker() as session, session.begin():
            outcome = await handle_event(session, body, notifier=notifier, settings=Settings())
            ids.append(outcome.event_id)
    async with db.sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "UPDATE handled_events SET received_at = now() - :age WHERE event_id = ANY(:ids);"
            ),
            {"age": age, "ids": ids},
        )
        await session.execute(
            text("UPDATE sent_messages SET sent_at = now() - :age WHERE event_id = ANY(:ids)"),
            {"age": age, "ids": ids},
        )
    return ids


async def logged(db: Database) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """(event ids in handled_events, event ids that still have messages)."""
    async with db.sessionmaker() as session:
        events = set((await session.scalars(select(HandledEvent.event_id))).all())
        messages = set((await session.scalars(select(SentMessage.event_id))).all())
    return events, messages


async def test_old_events_go_with_their_messages_young_ones_stay(clone_database) -> None:  # type: ignore[no-untyped-def]
    db = Database(await clone_database("retention"))
    try:
        old = await handle(db, 3, age=timedelta(days=91))
        young = await handle(db, 2, age=timedelta(days=89))
        deleted = await purge(db.sessionmaker, notification_log_retention(NINETY_DAYS))
        events, messages = await logged(db)
    finally:
        await db.dispose()
    assert deleted == len(old)
    assert events == set(young)
    assert messages == set(young)  # the old events' messages went with them


async def test_two_replicas_delete_each_old_event_once(clone_database) -> None:  # type: ignore[no-untyped-def]
    url = await clone_database("retention_replicas")
    db, other = Database(url), Database(url)
    try:
        old = await handle(db, 120, age=timedelta(days=200))
        young = await handle(db, 3, age=timedelta(days=1))
        rule = notification_log_retention(NINETY_DAYS)
        counts = await asyncio.gather(
            purge(db.sessionmaker, rule, batch_size=10),
            purge(make_sessionmaker(other.engine), rule, batch_size=10),
        )
        events, messages = await logged(db)
    finally:
        await db.dispose()
        await other.dispose()
    assert sum(counts) == len(old)
    assert events == messages == set(young)


async def test_the_service_runs_retention_in_the_background(clone_database) -> None:  # type: ignore[no-untyped-def]
    """Wired into the app: started with a short sweep and a one-day retention, it deletes an
    event two days old on its own and leaves today's."""
    url = await clone_database("retention_app")
    db = Database(url)
    try:
        [old] = await handle(db, 1, age=timedelta(days=2))
        [today] = await handle(db, 1, age=timedelta(minutes=5))
        settings = Settings(
            database_url=url,
            env="test",
            log_retention_days=1,
            retention_sweep_seconds=0.2,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            for _ in range(50):
                events, _ = await logged(db)
                if old not in events:
                    break
                await asyncio.sleep(0.1)
    finally:
        await db.dispose()
    assert events == {today}
