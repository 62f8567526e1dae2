"""The sweeper and a commit racing for the same overdue reservation, on real separate
connections: the sweeper skips a reservation another transaction holds (no waiting, no
double release), and whoever gets it first decides its fate."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from catalog_fulfillment.models import InventoryItem, Reservation, ReservationItem
from catalog_fulfillment.services.inventory import commit, expire_due_reservations
from shopkit.db import Database, utcnow
from sqlalchemy import select

from tests.factories import make_product, unique


async def test_sweeper_skips_a_reservation_being_committed(fresh_database) -> None:
    url = await fresh_database("sweeper")
    db = Database(url, pool_size=3)
    sku, rid = unique("RACE"), uuid.uuid4()
    try:
        async with db.sessionmaker() as session, session.begin():
            await make_product(session, stock={sku: 5})
            session.add(
                Reservation(id=rid, status="reserved", expires_at=utcnow() + timedelta(seconds=30))
            )
            await session.flush()
            session.add(ReservationItem(reservation_id=rid, sku=sku, quantity=2))
            (await session.get(InventoryItem, sku)).reserved = 2  # type: ignore[union-attr]

        async with db.sessionmaker() as committer:
            await committer.begin()
            outcome = await commit(committer, reservation_id=rid)  # holds the row lock
            assert outcome.conflict is None
            # Meanwhile the sweeper, on another connection and with a clock 60 s ahead,
            # finds the reservation overdue.
            async with db.sessionmaker() as sweeper, sweeper.begin():
                swept = await asyncio.wait_for(
                    expire_due_reservations(sweeper, now=utcnow() + timedelta(seconds=60)),
                    timeout=5,
                )
                assert swept == 0  # skipped, not waited for
            await committer.commit()

        async with db.sessionmaker() as session, session.begin():
            status = await session.scalar(select(Reservation.status).where(Reservation.id == rid))
            item = await session.get(InventoryItem, sku)
            assert status == "committed"
            assert item is not None and (item.on_hand, item.reserved) == (3, 0)
            # Once committed, later sweeps leave it alone.
            assert await expire_due_reservations(session, now=utcnow() + timedelta(seconds=60)) == 0
    finally:
        await db.dispose()
