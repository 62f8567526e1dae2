"""Retention of sent outbox rows: old delivered rows go, everything else stays, and runs on
several replicas share the work without deleting a row twice or waiting for each other."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from shopkit.app import create_service_app
from shopkit.db import Database, make_sessionmaker
from shopkit.delivery import outbox_retention_job
from shopkit.outbox import DISCARDED, FAILED, PENDING, SENT, sent_outbox_retention
from shopkit.retention import purge
from sqlalchemy import event, select, text

from .conftest import KitSettings, Outbox, add_test_events

WEEK = timedelta(days=7)


async def add_rows(
    db: Database, count: int, *, status: str, age: timedelta, aggregate: str | None = None
) -> list[uuid.UUID]:
    """`count` outbox rows in `status`, written, queued and (when sent) sent `age` ago."""
    async with db.sessionmaker() as session, session.begin():
        ids = add_test_events(session, count, aggregate)
        await session.flush()
        await session.execute(
            text(
                "UPDATE outbox SET status = CAST(:status AS varchar),"
                " created_at = now() - :age, queued_at = now() - :age,"
                " sent_at = CASE WHEN :sent THEN now() - :age END"
                " WHERE id = ANY(:ids)"
            ),
            {"status": status, "sent": status == SENT, "age": age, "ids": ids},
        )
    return ids


async def remaining(db: Database) -> set[uuid.UUID]:
    async with db.sessionmaker() as session:
        return set((await session.scalars(select(Outbox.id))).all())


async def test_old_sent_rows_go_and_young_or_unsettled_rows_stay(database: Database) -> None:
    old_sent = await add_rows(database, 5, status=SENT, age=timedelta(days=8))
    young_sent = await add_rows(database, 2, status=SENT, age=timedelta(days=6))
    old_pending = await add_rows(database, 2, status=PENDING, age=timedelta(days=30))
    old_failed = await add_rows(database, 2, status=FAILED, age=timedelta(days=30))
    old_discarded = await add_rows(database, 1, status=DISCARDED, age=timedelta(days=30))

    deleted = await purge(database.sessionmaker, sent_outbox_retention(Outbox, WEEK))

    assert deleted == len(old_sent)
    kept = {*young_sent, *old_pending, *old_failed, *old_discarded}
    assert await remaining(database) == kept
    # a second run finds nothing more
    assert await purge(database.sessionmaker, sent_outbox_retention(Outbox, WEEK)) == 0


async def test_a_run_deletes_in_batches_until_nothing_old_is_left(database: Database) -> None:
    await add_rows(database, 23, status=SENT, age=timedelta(days=10))
    young = await add_rows(database, 3, status=SENT, age=timedelta(hours=1))
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        deleted = await purge(
            database.sessionmaker, sent_outbox_retention(Outbox, WEEK), batch_size=5
        )
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)

    assert deleted == 23
    assert len(statements) == 5  # 5+5+5+5+3: the short batch ends the run
    assert all("SKIP LOCKED" in s.upper() for s in statements)
    assert await remaining(database) == set(young)


async def test_rows_another_run_holds_are_skipped_not_waited_for(database: Database) -> None:
    """A replica's batch that has locked rows does not block this one: it deletes the rest
    at once, and the held rows go when their holder is done (here: the next run)."""
    old = await add_rows(database, 10, status=SENT, age=timedelta(days=8))
    held = set(old[:4])
    rule = sent_outbox_retention(Outbox, WEEK)
    async with database.engine.connect() as holder:
        transaction = await holder.begin()
        await holder.execute(
            text("SELECT id FROM outbox WHERE id = ANY(:ids) FOR UPDATE"), {"ids": list(held)}
        )
        deleted = await asyncio.wait_for(purge(database.sessionmaker, rule), timeout=10)
        assert deleted == 6
        assert await remaining(database) == held
        await transaction.rollback()
    assert await purge(database.sessionmaker, rule) == 4
    assert await remaining(database) == set()


async def test_two_concurrent_runs_delete_every_old_row_exactly_once(
    database: Database,
) -> None:
    """Two replicas, each with its own connection pool, purge the same table at the same
    time in small batches: together they delete each old row once, and nothing else."""
    old = await add_rows(database, 600, status=SENT, age=timedelta(days=8))
    young = await add_rows(database, 5, status=SENT, age=timedelta(days=1))
    rule = sent_outbox_retention(Outbox, WEEK)
    other = Database(database.url)
    try:
        counts = await asyncio.gather(
            purge(database.sessionmaker, rule, batch_size=20),
            purge(make_sessionmaker(other.engine), rule, batch_size=20),
        )
    finally:
        await other.dispose()
    assert sum(counts) == len(old)
    assert await remaining(database) == set(young)


async def test_a_service_app_runs_outbox_retention_in_the_background(
    database: Database, kit_settings: KitSettings
) -> None:
    """`outbox_retention_job` as identity-commerce and catalog-fulfillment wire it: with a
    short sweep and a one-day retention, the app deletes a row sent two days ago by itself."""
    [old] = await add_rows(database, 1, status=SENT, age=timedelta(days=2))
    [recent] = await add_rows(database, 1, status=SENT, age=timedelta(hours=2))
    settings = kit_settings.model_copy(
        update={"outbox_retention_days": 1, "retention_sweep_seconds": 0.2}
    )
    app = create_service_app(
        settings,
        title="retention",
        description="",
        routers=[],
        background_jobs=[outbox_retention_job(Outbox)],
    )
    async with app.router.lifespan_context(app):
        for _ in range(50):
            if old not in await remaining(database):
                break
            await asyncio.sleep(0.1)
    assert await remaining(database) == {recent}
