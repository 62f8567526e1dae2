"""Event delivery end to end over real HTTP: shopkit's outbox relay (as wired into
identity-commerce and catalog-fulfillment) sending to a live notifications process.

The sending side is a small stand-in service built from the same shopkit parts the real
services use (an `outbox` table from OutboxMixin, `outbox_relay_job`, `outbox_admin_router`),
running in this test process with its own committed database; notifications runs as a real
uvicorn process on its own committed database.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from notifications.service import SERVICE
from notifications.testing import SentLogReader
from shopkit.app import create_service_app
from shopkit.db import Database, new_base
from shopkit.delivery import outbox_admin_router, outbox_relay_job
from shopkit.events import EventType, make_event
from shopkit.outbox import DISCARDED, FAILED, PENDING, SENT, OutboxMixin, add_event
from shopkit.settings import ServiceSettings
from shopkit.testing import LiveService
from shopkit.testing.plugin import LiveProcesses
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import func, select, update

from tests.factories import TYPE_EXTRAS, order_data

SourceBase = new_base()


class SourceOutbox(OutboxMixin, SourceBase):  # type: ignore[misc, valid-type]
    """The sending service's outbox table (same columns as identity-commerce's)."""


CloneDatabase = Callable[[str], Awaitable[str]]


@asynccontextmanager
async def outbox_database(clone_database: CloneDatabase, name: str) -> AsyncIterator[Database]:
    db = Database(await clone_database(name), pool_size=4, max_overflow=4)
    async with db.engine.begin() as conn:
        await conn.run_sync(SourceBase.metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


def source_settings(
    db: Database, keys_dir: Path, notifications_url: str, **kw: Any
) -> ServiceSettings:
    defaults: dict[str, Any] = {
        "service_name": "identity-commerce",
        "database_url": db.url,
        "keys_dir": keys_dir,
        "env": "test",
        "notifications_url": notifications_url,
        "http_timeout_seconds": 2.0,
        "outbox_poll_seconds": 0.1,
        "outbox_backoff_base_seconds": 0.1,
        "outbox_backoff_max_seconds": 0.5,
    }
    return ServiceSettings(**{**defaults, **kw})


@asynccontextmanager
async def source_service(settings: ServiceSettings) -> AsyncIterator[FastAPI]:
    """A running sending service: its relay job works until the block ends (a restart is
    leaving one block and entering another)."""
    app = create_service_app(
        settings,
        title="event source",
        description="stand-in for identity-commerce in delivery tests",
        routers=[outbox_admin_router(SourceOutbox)],
        background_jobs=[outbox_relay_job(SourceOutbox)],
    )
    async with app.router.lifespan_context(app):
        yield app


async def write_order_events(db: Database, orders: list[uuid.UUID]) -> list[str]:
    """ORDER_PLACED then ORDER_PAID per order, each in its own commit as checkout does."""
    ids: list[str] = []
    for event_type in (EventType.ORDER_PLACED, EventType.ORDER_PAID):
        for order_id in orders:
            async with db.sessionmaker() as session, session.begin():
                event = make_event(
                    event_type,
                    source="identity-commerce",
                    data=order_data(order_id=order_id, phone=None),
                )
                add_event(session, SourceOutbox, event, aggregate_id=order_id)
                ids.append(str(event.event_id))
    return ids


async def outbox_counts(db: Database) -> Counter[str]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(SourceOutbox.status, func.count()).group_by(SourceOutbox.status)
        )
        return Counter({status: count for status, count in rows.all()})


async def wait_until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> float:
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within}s: {what}")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


StartNotifications = Callable[[str], LiveService]


@pytest.fixture
def start_notifications(live_processes: LiveProcesses, tmp_path: Path) -> StartNotifications:
    """Starts notifications as a real process on the given database, writing its mail to
    files."""

    def start(database_url: str) -> LiveService:
        return live_processes.start_service(
            SERVICE,
            database_url,
            env={
                "NOTIFY_EMAIL_PROVIDER": "file",
                "NOTIFY_SMS_PROVIDER": "file",
                "NOTIFY_FILE_DIR": str(tmp_path / "mail"),
            },
        )

    return start


async def test_nothing_is_lost_while_notifications_is_down(
    clone_database: CloneDatabase,
    start_notifications: StartNotifications,
    keys_dir: Path,
    tokens: TokenFactory,
) -> None:
    notifications = start_notifications(await clone_database("live"))
    sent_log = SentLogReader(notifications.url, tokens.service)

    async with outbox_database(clone_database, "source") as db:
        settings = source_settings(db, keys_dir, notifications.url)
        orders = [uuid.uuid4() for _ in range(10)]

        # notifications goes down; half the orders are paid, then the sending service
        # restarts, then the other half are paid (20 events in all).
        notifications.stop()
        async with source_service(settings):
            event_ids = await write_order_events(db, orders[:5])
            await asyncio.sleep(0.5)  # the relay tries, fails, backs off
        async with source_service(settings), source_service(settings):  # two workers now
            event_ids += await write_order_events(db, orders[5:])
            await asyncio.sleep(0.5)
            counts = await outbox_counts(db)
            assert counts[PENDING] == 20 and counts[SENT] == 0, counts

            notifications.start()

            async def all_sent() -> bool:
                return (await outbox_counts(db)) == Counter({SENT: 20})

            elapsed = await wait_until(all_sent, 30, "every event delivered, none pending")
            assert elapsed < 30

            # Exactly once per event id: the sent log has one message for each event.
            messages = await sent_log.all()
            per_event = Counter(m["event_id"] for m in messages)
            assert sorted(per_event) == sorted(event_ids)
            assert set(per_event.values()) == {1}

            # Per order, ORDER_PLACED was handled before ORDER_PAID.
            sent_at: dict[tuple[str, str], datetime] = {}
            for m in messages:
                order_id = m["body_text"].split("/orders/")[1].split()[0]
                sent_at[(order_id, m["event_type"])] = datetime.fromisoformat(m["sent_at"])
            for order_id in orders:
                placed = sent_at[(str(order_id), "ORDER_PLACED")]
                paid = sent_at[(str(order_id), "ORDER_PAID")]
                assert placed < paid, order_id

            # A relay that delivered but crashed before marking the row sent delivers again:
            # notifications answers "duplicate" and sends nothing.
            async with db.sessionmaker() as session, session.begin():
                await session.execute(
                    update(SourceOutbox)
                    .where(SourceOutbox.id.in_([uuid.UUID(e) for e in event_ids[:3]]))
                    .values(status=PENDING, sent_at=None)
                )
            await wait_until(all_sent, 30, "redelivered events marked sent again")
            assert len(await sent_log.all()) == 20


async def test_failing_receiver_parks_event_past_its_age_limit_and_admin_retry_delivers(
    clone_database: CloneDatabase,
    start_notifications: StartNotifications,
    keys_dir: Path,
    tokens: TokenFactory,
) -> None:
    # notifications is up but every /notify fails (its database does not exist: 503).
    good_database = await clone_database("live_retry")
    broken_database = good_database.rsplit("/", 1)[0] + "/no_such_database_for_notify"
    notifications = start_notifications(broken_database)
    sent_log = SentLogReader(notifications.url, tokens.service)
    admin = {"Authorization": f"Bearer {tokens.admin()}"}

    async with outbox_database(clone_database, "source_retry") as db:
        # retried with backoff for as long as the event is younger than the age limit
        settings = source_settings(db, keys_dir, notifications.url, outbox_max_age_seconds=1.5)
        async with source_service(settings) as app:
            async with db.sessionmaker() as session, session.begin():
                data = {**order_data(), **TYPE_EXTRAS["ORDER_SHIPPED"]}
                event = make_event(EventType.ORDER_SHIPPED, source="identity-commerce", data=data)
                add_event(session, SourceOutbox, event, aggregate_id=data["order_id"])
            event_id = str(event.event_id)

            async def failed() -> bool:
                return (await outbox_counts(db)) == Counter({FAILED: 1})

            await wait_until(failed, 20, "event parked after the age limit")

            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://source") as source:
                listed = (await source.get("/admin/outbox?status=failed", headers=admin)).json()
                [entry] = listed["items"]
                assert entry["id"] == event_id
                assert entry["attempts"] >= 2
                assert "gave up after" in entry["last_error"] and "503" in entry["last_error"]

                # The receiver comes back (same address, working database).
                notifications.stop()
                notifications.env.update(NOTIFICATIONS_DATABASE_URL=good_database)
                notifications.start()
                assert await sent_log.all() == []  # nothing went out while it failed

                customer = {"Authorization": f"Bearer {tokens.customer()}"}
                refused = await source.post(f"/admin/outbox/{event_id}/retry", headers=customer)
                assert refused.status_code == 403

                retried = await source.post(f"/admin/outbox/{event_id}/retry", headers=admin)
                assert retried.status_code == 200
                assert retried.json()["status"] == PENDING

                async def sent() -> bool:
                    return (await outbox_counts(db)) == Counter({SENT: 1})

                await wait_until(sent, 20, "retried event delivered")
                messages = await sent_log.all(event_id=event_id)
                assert sorted((m["channel"], m["event_type"]) for m in messages) == [
                    ("email", "ORDER_SHIPPED"),
                    ("sms", "ORDER_SHIPPED"),
                ]

                # Retrying an event that is not failed is a 404, and sends nothing more.
                again = await source.post(f"/admin/outbox/{event_id}/retry", headers=admin)
                assert again.status_code == 404
                assert len(await sent_log.all(event_id=event_id)) == 2

            # An event notifications refuses (422: unknown type) is parked at once, no backoff,
            # and holds back the newer event of the same order until an admin discards it.
            order_id = str(uuid.uuid4())
            async with db.sessionmaker() as session, session.begin():
                bad = make_event("ORDER_TELEPORTED", source="identity-commerce", data={})
                add_event(session, SourceOutbox, bad, aggregate_id=order_id)
                data = {**order_data(order_id=uuid.UUID(order_id)), **TYPE_EXTRAS["ORDER_SHIPPED"]}
                later = make_event(EventType.ORDER_SHIPPED, source="identity-commerce", data=data)
                add_event(session, SourceOutbox, later, aggregate_id=order_id)

            async def refused() -> bool:
                return (await outbox_counts(db))[FAILED] == 1

            await wait_until(refused, 10, "refused event parked")
            async with db.sessionmaker() as session:
                row = await session.get(SourceOutbox, bad.event_id)
            assert row is not None and row.attempts == 1
            assert "422" in (row.last_error or "") and "ORDER_TELEPORTED" in row.last_error
            await asyncio.sleep(1.0)  # several relay passes: the newer event must wait
            assert (await outbox_counts(db))[PENDING] == 1
            assert await sent_log.all(event_id=str(later.event_id)) == []

            async with httpx.AsyncClient(transport=transport, base_url="http://source") as source:
                discarded = await source.post(
                    f"/admin/outbox/{bad.event_id}/discard", headers=admin
                )
                assert discarded.status_code == 200, discarded.text

            async def released() -> bool:
                return (await outbox_counts(db)) == Counter({SENT: 2, DISCARDED: 1})

            await wait_until(released, 20, "the held-back event delivered after the discard")
            assert len(await sent_log.all(event_id=str(later.event_id))) == 2  # email + SMS
