"""Outbox relay against a real HTTP receiver and the real database."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from shopkit.db import Database
from shopkit.delivery import notifications_deliverer
from shopkit.events import make_event
from shopkit.outbox import FAILED, SENT, OutboxRelay, add_event, backoff_delay, retry_failed
from shopkit.settings import ServiceSettings
from shopkit.tokens import TokenSigner, TokenVerifier
from sqlalchemy import select

from .conftest import KitSettings, Outbox
from .receiver import Receiver, running_receiver


def relay_for(db: Database, settings: ServiceSettings, **kwargs: object) -> OutboxRelay:
    signer = TokenSigner.from_keys_dir(
        settings.keys_dir,
        "catalog-fulfillment",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        generate=False,
    )
    options: dict[str, object] = {"max_attempts": 5, "backoff_base": 0.0, "backoff_max": 0.0}
    options.update(kwargs)
    return OutboxRelay(
        sessionmaker=db.sessionmaker,
        model=Outbox,
        deliver=notifications_deliverer(settings, signer),
        **options,  # type: ignore[arg-type]
    )


async def write_events(db: Database, count: int, aggregate: str | None = None) -> list[uuid.UUID]:
    ids = []
    async with db.sessionmaker() as session, session.begin():
        for i in range(count):
            event = make_event("ORDER_PAID", source="test", data={"n": i})
            add_event(session, Outbox, event, aggregate_id=aggregate)
            ids.append(event.event_id)
    return ids


async def rows(db: Database) -> list[Outbox]:
    async with db.sessionmaker() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.seq))).all())


async def test_retries_until_the_receiver_recovers(
    database: Database, kit_settings: KitSettings
) -> None:
    with running_receiver(Receiver(fail_first=2)) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        relay = relay_for(database, settings)
        [event_id] = await write_events(database, 1)

        for _ in range(3):
            await relay.run_once()

    [row] = await rows(database)
    assert row.status == SENT
    assert row.attempts == 3
    assert receiver.calls == 3
    assert [e["event_id"] for e in receiver.received] == [str(event_id)]


async def test_delivery_carries_a_service_token(
    database: Database, kit_settings: KitSettings, lib_keys_dir: Path
) -> None:
    with running_receiver(Receiver()) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        await write_events(database, 1)
        await relay_for(database, settings).run_once()
    token = receiver.headers[0]["authorization"].removeprefix("Bearer ")
    verifier = TokenVerifier.from_keys_dir(
        lib_keys_dir, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    assert verifier.verify(token).is_service


async def test_failed_after_the_attempt_limit_then_retried_on_demand(
    database: Database, kit_settings: KitSettings
) -> None:
    with running_receiver(Receiver(down=True)) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        relay = relay_for(database, settings, max_attempts=3)
        [event_id] = await write_events(database, 1)
        for _ in range(5):
            await relay.run_once()
        [row] = await rows(database)
        assert row.status == FAILED
        assert row.attempts == 3
        assert receiver.calls == 3  # nothing more is tried once failed
        assert "503" in (row.last_error or "")

        receiver.down = False
        async with database.sessionmaker() as session, session.begin():
            assert await retry_failed(session, Outbox, event_id)
        await relay.run_once()

    [row] = await rows(database)
    assert row.status == SENT
    assert [e["event_id"] for e in receiver.received] == [str(event_id)]


async def test_backoff_waits_before_the_next_attempt(
    database: Database, kit_settings: KitSettings
) -> None:
    with running_receiver(Receiver(down=True)) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        relay = relay_for(database, settings, backoff_base=60.0, backoff_max=600.0)
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
    database: Database, kit_settings: KitSettings
) -> None:
    with running_receiver(Receiver(fail_first=1)) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        relay = relay_for(database, settings)
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
    database: Database, kit_settings: KitSettings
) -> None:
    with running_receiver(Receiver()) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        ids = await write_events(database, 40)
        relays = [relay_for(database, settings, batch_size=5) for _ in range(2)]
        for _ in range(6):
            await asyncio.gather(*(r.run_once() for r in relays))
    delivered = [e["event_id"] for e in receiver.received]
    assert sorted(delivered) == sorted(str(i) for i in ids)
    assert len(delivered) == len(set(delivered))
    assert all(r.status == SENT for r in await rows(database))


async def test_run_forever_stops_when_asked(database: Database, kit_settings: KitSettings) -> None:
    with running_receiver(Receiver()) as receiver:
        settings = kit_settings.model_copy(update={"notifications_url": receiver.url})
        relay = relay_for(database, settings, poll_seconds=0.05)
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
