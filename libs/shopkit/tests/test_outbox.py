"""Outbox relay against a real HTTP receiver and the real database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from shopkit.db import Database, utcnow
from shopkit.delivery import notifications_deliverer
from shopkit.outbox import (
    DISCARDED,
    FAILED,
    PENDING,
    SENT,
    OutboxRelay,
    backoff_delay,
    discard_failed,
    retry_failed,
)
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import TokenVerifier
from sqlalchemy import event, select, text

from .conftest import KitSettings, Outbox, add_test_events
from .receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """notifications' stand-in, up for the whole test (a test may set it `down`, make it
    `fail_first` requests or refuse events)."""
    with running_receiver(Receiver()) as receiver:
        yield receiver


RelayFactory = Callable[..., OutboxRelay]


@pytest.fixture
def relay_for(
    database: Database, kit_settings: KitSettings, receiver: Receiver, tokens: TokenFactory
) -> RelayFactory:
    """Makes relays that send `database`'s outbox to `receiver` as catalog-fulfillment, each
    with its own deliverer, without backoff unless the options set one."""
    settings = kit_settings.model_copy(update={"notifications_url": receiver.url})

    def relay(**options: Any) -> OutboxRelay:
        return OutboxRelay(
            sessionmaker=database.sessionmaker,
            model=Outbox,
            deliver=notifications_deliverer(settings, tokens.signer("catalog-fulfillment")),
            **{"backoff_base": 0.0, "backoff_max": 0.0, **options},
        )

    return relay


async def write_events(db: Database, count: int, aggregate: str | None = None) -> list[uuid.UUID]:
    async with db.sessionmaker() as session, session.begin():
        return add_test_events(session, count, aggregate)


async def rows(db: Database) -> list[Outbox]:
    async with db.sessionmaker() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.seq))).all())


async def row_by_id(db: Database) -> dict[uuid.UUID, Outbox]:
    return {r.id: r for r in await rows(db)}


class SteppedClock:
    """The relay's clock, starting now and moved on by the test: hours of backoff without
    waiting for them."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def test_retries_until_the_receiver_recovers(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    receiver.fail_first = 2
    relay = relay_for()
    [event_id] = await write_events(database, 1)

    for _ in range(3):
        await relay.run_once()

    [row] = await rows(database)
    assert row.status == SENT
    assert row.attempts == 3
    assert receiver.calls == 3
    assert [e["event_id"] for e in receiver.received] == [str(event_id)]


async def test_delivery_carries_a_service_token(
    database: Database,
    kit_settings: KitSettings,
    receiver: Receiver,
    relay_for: RelayFactory,
    keys_dir: Path,
) -> None:
    await write_events(database, 1)
    await relay_for().run_once()
    token = receiver.headers[0]["authorization"].removeprefix("Bearer ")
    verifier = TokenVerifier.from_keys_dir(
        keys_dir, issuer=kit_settings.jwt_issuer, audience=kit_settings.jwt_audience
    )
    assert verifier.verify(token).is_service


async def test_a_failure_worth_retrying_parks_only_past_the_age_limit_then_retries_on_demand(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    receiver.down = True
    [event_id] = await write_events(database, 1)
    clock = SteppedClock()
    relay = relay_for(max_age=timedelta(hours=1), clock=clock)
    for _ in range(11):  # 55 minutes of 503s, one attempt every 5 minutes
        await relay.run_once()
        clock.advance(minutes=5)
    [row] = await rows(database)
    assert (row.status, row.attempts) == (PENDING, 11)  # far past the old 8-attempt limit

    clock.advance(minutes=6)  # now over an hour old: this failure is the last
    await relay.run_once()
    [row] = await rows(database)
    assert row.status == FAILED
    assert "gave up after 1h" in (row.last_error or "") and "503" in (row.last_error or "")
    for _ in range(3):
        clock.advance(hours=1)
        await relay.run_once()
    assert receiver.calls == 12  # nothing more is tried once parked

    receiver.down = False
    async with database.sessionmaker() as session, session.begin():
        assert await retry_failed(session, Outbox, event_id)
    await relay.run_once()

    [row] = await rows(database)
    assert row.status == SENT
    assert [e["event_id"] for e in receiver.received] == [str(event_id)]


async def test_an_outage_of_hours_parks_nothing_and_delivers_in_order_on_return(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    receiver.down = True
    order_1 = await write_events(database, 3, aggregate="order-1")
    order_2 = await write_events(database, 3, aggregate="order-2")
    loose = await write_events(database, 2)
    clock = SteppedClock()
    # the shipped defaults: 1 s doubling, capped at 5 min, parked after 24 h
    relay = relay_for(backoff_base=1.0, backoff_max=300.0, clock=clock)
    for _ in range(24):  # four hours down; the old limit parked events after ~2 minutes
        await relay.run_once()
        clock.advance(minutes=10)
    by_id = await row_by_id(database)
    assert {r.status for r in by_id.values()} == {PENDING}
    assert all(by_id[i].attempts == 24 for i in (order_1[0], order_2[0], *loose))
    # newer events of an order never went out ahead of the older one
    assert all(by_id[i].attempts == 0 for i in (*order_1[1:], *order_2[1:]))
    assert receiver.received == []

    receiver.down = False
    for _ in range(4):
        clock.advance(minutes=6)
        await relay.run_once()

    assert {r.status for r in await rows(database)} == {SENT}
    delivered = [uuid.UUID(e["event_id"]) for e in receiver.received]
    assert sorted(delivered) == sorted([*order_1, *order_2, *loose])
    for order in (order_1, order_2):
        assert [i for i in delivered if i in order] == order


async def test_a_refused_event_holds_back_its_aggregate_until_an_admin_retries_it(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    relay = relay_for()
    order_1 = await write_events(database, 3, aggregate="order-1")
    order_2 = await write_events(database, 1, aggregate="order-2")
    receiver.refused = {str(order_1[0])}
    for _ in range(4):
        await relay.run_once()
    by_id = await row_by_id(database)
    assert by_id[order_1[0]].status == FAILED and by_id[order_1[0]].attempts == 1
    assert "422" in (by_id[order_1[0]].last_error or "")
    # parked, yet still first in line: the newer events of order-1 wait for it
    assert [by_id[i].status for i in order_1[1:]] == [PENDING, PENDING]
    assert [by_id[i].attempts for i in order_1[1:]] == [0, 0]
    assert [e["event_id"] for e in receiver.received] == [str(order_2[0])]

    receiver.refused.clear()  # the receiver learns the event type
    async with database.sessionmaker() as session, session.begin():
        assert await retry_failed(session, Outbox, order_1[0])
    for _ in range(4):
        await relay.run_once()

    assert {r.status for r in await rows(database)} == {SENT}
    delivered = [e["event_id"] for e in receiver.received]
    assert delivered == [str(order_2[0]), *(str(i) for i in order_1)]


async def test_a_discarded_event_is_never_sent_and_releases_the_newer_ones(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    relay = relay_for()
    order = await write_events(database, 3, aggregate="order-1")
    receiver.refused = {str(order[0])}
    for _ in range(3):
        await relay.run_once()
    assert receiver.received == []

    async with database.sessionmaker() as session, session.begin():
        assert not await discard_failed(session, Outbox, order[1], by="admin-1")  # pending
        assert await discard_failed(session, Outbox, order[0], by="admin-1")
    for _ in range(3):
        await relay.run_once()

    by_id = await row_by_id(database)
    assert by_id[order[0]].status == DISCARDED
    assert by_id[order[0]].discarded_by == "admin-1"
    assert by_id[order[0]].discarded_at is not None
    assert [by_id[i].status for i in order[1:]] == [SENT, SENT]
    assert [e["event_id"] for e in receiver.received] == [str(i) for i in order[1:]]
    assert receiver.calls == 3  # the discarded one was tried once, never again


async def test_relay_query_stays_on_the_outbox_indexes(database: Database) -> None:
    """With a large delivered history and a backlog, the relay's query walks the pending
    rows by (status, seq) and checks "older unsettled row?" on the partial index, which
    holds undelivered rows only; no sequential scan of the table."""
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                """
                INSERT INTO outbox (id, event_type, aggregate_id, payload, status, attempts,
                                    next_attempt_at, created_at, queued_at, sent_at)
                SELECT gen_random_uuid(), 'ORDER_PAID', 'order-' || (i / 5), '{}'::jsonb,
                       CASE WHEN i > 49000 THEN 'pending' ELSE 'sent' END, 1,
                       now(), now(), now(), now()
                FROM generate_series(1, 50000) AS i
                """
            )
        )
        await conn.execute(text("ANALYZE outbox"))

    relay = OutboxRelay(sessionmaker=database.sessionmaker, model=Outbox, deliver=_never)
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        sent.append((statement, parameters))

    async with database.engine.connect() as conn:
        event.listen(conn.sync_connection, "before_cursor_execute", capture)
        await conn.execute(relay.due_rows_query(utcnow()))
        event.remove(conn.sync_connection, "before_cursor_execute", capture)
        [(statement, parameters)] = sent
        plan = "\n".join(
            r[0] for r in await conn.exec_driver_sql("EXPLAIN " + statement, parameters)
        )
    assert "Seq Scan" not in plan, plan
    assert "ix_outbox_status_seq" in plan, plan
    assert "ix_outbox_unsettled" in plan, plan


async def _never(envelope: dict[str, object]) -> None:
    raise AssertionError("not delivering in this test")


async def test_backoff_waits_before_the_next_attempt(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    receiver.down = True
    relay = relay_for(backoff_base=60.0, backoff_max=600.0)
    await write_events(database, 1)
    await relay.run_once()
    await relay.run_once()  # not due yet: must not call again
    [row] = await rows(database)
    assert receiver.calls == 1
    assert row.attempts == 1
    assert (row.next_attempt_at - row.created_at).total_seconds() > 40


def test_backoff_grows_exponentially_and_is_capped() -> None:
    delays = [backoff_delay(n, base=1.0, maximum=30.0) for n in range(1, 8)]
    assert 0.8 <= delays[0] <= 1.2
    assert 6.4 <= delays[3] <= 9.6
    assert all(d <= 36.0 for d in delays)


async def test_events_of_one_aggregate_keep_their_order(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    receiver.fail_first = 1
    relay = relay_for()
    ids = await write_events(database, 3, aggregate="order-1")
    # first pass: the oldest fails, so the two younger ones must wait for it
    await relay.run_once()
    assert receiver.received == []
    # each pass sends the oldest pending event of the order, never a younger one first
    for expected in (1, 2, 3):
        await relay.run_once()
        assert len(receiver.received) == expected
    assert [e["event_id"] for e in receiver.received] == [str(i) for i in ids]


async def test_two_relays_never_send_one_event_twice(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    ids = await write_events(database, 40)
    relays = [relay_for(batch_size=5) for _ in range(2)]
    for _ in range(6):
        await asyncio.gather(*(r.run_once() for r in relays))
    delivered = [e["event_id"] for e in receiver.received]
    assert sorted(delivered) == sorted(str(i) for i in ids)
    assert len(delivered) == len(set(delivered))
    assert all(r.status == SENT for r in await rows(database))


async def test_run_forever_stops_when_asked(
    database: Database, receiver: Receiver, relay_for: RelayFactory
) -> None:
    relay = relay_for(poll_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run_forever(stop))
    await write_events(database, 2)
    relay.wake()
    for _ in range(100):
        if len(receiver.received) == 2:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    assert len(receiver.received) == 2
