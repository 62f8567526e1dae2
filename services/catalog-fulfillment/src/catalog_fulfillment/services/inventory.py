"""Two-phase inventory: reserve (hold) -> commit (sell) or release (give back).

Correctness under concurrency rests on two rules:

- every transaction that changes stock locks the inventory rows it touches with
  `SELECT ... ORDER BY sku FOR NO KEY UPDATE` *before* changing them, always in sku order, so
  two reservations of [A, B] and [B, A] queue behind each other instead of deadlocking;
- the reservation row is the idempotency record: `INSERT ... ON CONFLICT DO NOTHING` on the
  caller's reservation_id makes a replay (even a concurrent one) find the first result.

Functions flush and never commit; the request's session commits when the endpoint returns.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shopkit.db import utcnow
from shopkit.errors import Conflict, NotFound
from shopkit.events import EventType, make_event
from shopkit.metrics import count_on_commit
from shopkit.outbox import add_event
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalog_fulfillment.core.metrics import RESERVATIONS_EXPIRED
from catalog_fulfillment.models import (
    InventoryItem,
    OutboxMessage,
    Product,
    Reservation,
    ReservationItem,
    Restock,
    Variant,
)
from catalog_fulfillment.models.catalog import PRODUCT_ACTIVE
from catalog_fulfillment.models.inventory import COMMITTED, EXPIRED, RELEASED, RESERVED

log = logging.getLogger("catalog_fulfillment.inventory")

SOURCE = "catalog-fulfillment"


@dataclass(frozen=True)
class LockedStock:
    """An inventory row locked for this transaction, with what LOW_STOCK needs to say."""

    item: InventoryItem
    product_id: uuid.UUID
    product_name: str
    sellable: bool  # variant active and product not archived


def merge_lines(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum quantities per sku (a cart may name one sku twice); keys in sku order."""
    merged: dict[str, int] = {}
    for sku, quantity in lines:
        merged[sku] = merged.get(sku, 0) + quantity
    return dict(sorted(merged.items()))


async def lock_stock(session: AsyncSession, skus: Sequence[str]) -> dict[str, LockedStock]:
    """Lock the inventory rows of `skus` in sku order (the one global lock order)."""
    if not skus:
        return {}
    rows = await session.execute(
        select(InventoryItem, Variant.active, Product.id, Product.name, Product.status)
        .join(Variant, Variant.sku == InventoryItem.sku)
        .join(Product, Product.id == Variant.product_id)
        .where(InventoryItem.sku.in_(sorted(set(skus))))
        .order_by(InventoryItem.sku)
        .with_for_update(of=InventoryItem, key_share=True)
        .execution_options(populate_existing=True)
    )
    return {
        item.sku: LockedStock(
            item=item,
            product_id=product_id,
            product_name=name,
            sellable=active and status == PRODUCT_ACTIVE,
        )
        for item, active, product_id, name, status in rows
    }


def note_low_stock(session: AsyncSession, stock: LockedStock, *, available_before: int) -> None:
    """Write LOW_STOCK when available stock falls to or below the reorder level.

    Only the crossing is reported (before above the level, after at or below it), so a
    busy sku does not send one event per sale.
    """
    item = stock.item
    if not (item.available <= item.reorder_level < available_before):
        return
    event = make_event(
        EventType.LOW_STOCK,
        source=SOURCE,
        data={
            "sku": item.sku,
            "product_id": str(stock.product_id),
            "product_name": stock.product_name,
            "available": item.available,
            "on_hand": item.on_hand,
            "reorder_level": item.reorder_level,
        },
    )
    add_event(session, OutboxMessage, event, aggregate_id=item.sku)


async def _load_reservation(
    session: AsyncSession, reservation_id: uuid.UUID, *, for_update: bool
) -> Reservation | None:
    query = (
        select(Reservation)
        .where(Reservation.id == reservation_id)
        .options(selectinload(Reservation.items))
        .execution_options(populate_existing=True)
    )
    if for_update:
        query = query.with_for_update(of=Reservation)
    return (await session.scalars(query)).one_or_none()


@dataclass(frozen=True)
class ReserveOutcome:
    reservation: Reservation
    created: bool  # False for a replay of an earlier reserve with the same id


async def reserve(
    session: AsyncSession,
    *,
    reservation_id: uuid.UUID,
    lines: Iterable[tuple[str, int]],
    ttl_seconds: int,
) -> ReserveOutcome:
    """Hold every line or none; raise Conflict(shortages=...) when any line is short."""
    wanted = merge_lines(lines)
    now = utcnow()
    inserted = await session.scalar(
        pg_insert(Reservation)
        .values(
            id=reservation_id,
            status=RESERVED,
            expires_at=now + timedelta(seconds=ttl_seconds),
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Reservation.id])
        .returning(Reservation.id)
    )
    if inserted is None:
        # Replay: a reservation with this id exists (ON CONFLICT waited for its
        # transaction, so it is committed). Same request -> the first result.
        existing = await _load_reservation(session, reservation_id, for_update=False)
        assert existing is not None
        if {i.sku: i.quantity for i in existing.items} != wanted:
            raise Conflict("This reservation_id was already used for different items")
        return ReserveOutcome(existing, created=False)

    locked = await lock_stock(session, list(wanted))
    shortages = []
    for sku, quantity in wanted.items():
        stock = locked.get(sku)
        available = stock.item.available if stock and stock.sellable else 0
        if quantity > available:
            shortages.append({"sku": sku, "requested": quantity, "available": max(available, 0)})
    if shortages:
        # Raising rolls the transaction back, reservation row included: nothing is held.
        raise Conflict("Not enough stock for every item", shortages=shortages)

    for sku, quantity in wanted.items():
        stock = locked[sku]
        before = stock.item.available
        stock.item.reserved += quantity
        note_low_stock(session, stock, available_before=before)
        session.add(ReservationItem(reservation_id=reservation_id, sku=sku, quantity=quantity))
    await session.flush()
    reservation = await _load_reservation(session, reservation_id, for_update=False)
    assert reservation is not None
    return ReserveOutcome(reservation, created=True)


def _is_past_deadline(reservation: Reservation) -> bool:
    return reservation.expires_at <= utcnow()


async def _give_back(session: AsyncSession, reservations: Sequence[Reservation]) -> None:
    """Return the reserved units of `reservations` to available stock."""
    held: dict[str, int] = {}
    for reservation in reservations:
        for line in reservation.items:
            held[line.sku] = held.get(line.sku, 0) + line.quantity
    locked = await lock_stock(session, list(held))
    for sku, quantity in held.items():
        locked[sku].item.reserved -= quantity


@dataclass(frozen=True)
class CommitOutcome:
    reservation: Reservation
    conflict: str | None = None  # set when the reservation can no longer be committed


async def commit(session: AsyncSession, *, reservation_id: uuid.UUID) -> CommitOutcome:
    """Sell the held units: on_hand and reserved both go down, exactly once."""
    reservation = await _load_reservation(session, reservation_id, for_update=True)
    if reservation is None:
        raise NotFound("No reservation with this id")
    if reservation.status == COMMITTED:
        return CommitOutcome(reservation)
    if reservation.status in (RELEASED, EXPIRED):
        return CommitOutcome(reservation, conflict=f"Reservation is {reservation.status}")
    if _is_past_deadline(reservation):
        # The sweeper has not got to it yet; expire it now so the stock is free at once.
        await _expire(session, [reservation])
        return CommitOutcome(reservation, conflict="Reservation is expired")

    locked = await lock_stock(session, [line.sku for line in reservation.items])
    for line in reservation.items:
        item = locked[line.sku].item
        item.on_hand -= line.quantity
        item.reserved -= line.quantity
    reservation.status = COMMITTED
    reservation.committed_at = utcnow()
    await session.flush()
    return CommitOutcome(reservation)


async def release(session: AsyncSession, *, reservation_id: uuid.UUID) -> Reservation:
    """Give the held units back, exactly once; a committed reservation cannot be released."""
    reservation = await _load_reservation(session, reservation_id, for_update=True)
    if reservation is None:
        raise NotFound("No reservation with this id")
    if reservation.status == COMMITTED:
        raise Conflict("Reservation is committed; restock a cancelled paid order instead")
    if reservation.status in (RELEASED, EXPIRED):
        return reservation  # already given back
    await _give_back(session, [reservation])
    reservation.status = RELEASED
    reservation.released_at = utcnow()
    await session.flush()
    return reservation


async def _expire(session: AsyncSession, reservations: Sequence[Reservation]) -> None:
    await _give_back(session, reservations)
    now = utcnow()
    for reservation in reservations:
        reservation.status = EXPIRED
        reservation.released_at = now
    await session.flush()
    count_on_commit(session, RESERVATIONS_EXPIRED, len(reservations))


async def expire_due_reservations(
    session: AsyncSession, *, limit: int = 200, now: datetime | None = None
) -> int:
    """Release reservations past their deadline (at `now`, default: now); returns how many
    were expired.

    `SKIP LOCKED` lets a commit or release that holds a reservation win; it is looked at
    again on the next pass (and then found committed or released).
    """
    due = (
        await session.scalars(
            select(Reservation)
            .where(Reservation.status == RESERVED, Reservation.expires_at <= (now or utcnow()))
            .order_by(Reservation.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .options(selectinload(Reservation.items))
            .execution_options(populate_existing=True)
        )
    ).all()
    if due:
        await _expire(session, due)
    return len(due)


async def restock(
    session: AsyncSession, *, key: str, lines: Iterable[tuple[str, int]]
) -> tuple[list[dict[str, object]], bool]:
    """Put units back on hand (a cancelled paid order); the same key never adds twice.

    Returns the lines and whether this call did the work (False for a replay).
    """
    wanted = merge_lines(lines)
    recorded = [{"sku": sku, "quantity": qty} for sku, qty in wanted.items()]
    inserted = await session.scalar(
        pg_insert(Restock)
        .values(key=key, items=recorded, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[Restock.key])
        .returning(Restock.key)
    )
    if inserted is None:
        existing = await session.get(Restock, key, populate_existing=True)
        assert existing is not None
        if existing.items != recorded:
            raise Conflict("This restock key was already used for different items")
        return existing.items, False
    locked = await lock_stock(session, list(wanted))
    unknown = [sku for sku in wanted if sku not in locked]
    if unknown:
        raise NotFound("Unknown sku", skus=unknown)
    for sku, quantity in wanted.items():
        locked[sku].item.on_hand += quantity
    await session.flush()
    return recorded, True


async def get_stock(session: AsyncSession, *, sku: str) -> InventoryItem:
    item = await session.get(InventoryItem, sku)
    if item is None:
        raise NotFound("Unknown sku")
    return item


async def set_stock(
    session: AsyncSession, *, sku: str, on_hand: int, reorder_level: int | None
) -> InventoryItem:
    """Admin stock count: on_hand cannot go below what open reservations hold."""
    locked = await lock_stock(session, [sku])
    stock = locked.get(sku)
    if stock is None:
        raise NotFound("Unknown sku")
    item = stock.item
    if on_hand < item.reserved:
        raise Conflict(
            f"on_hand cannot be below the {item.reserved} units held by open reservations",
            reserved=item.reserved,
        )
    before = item.available
    item.on_hand = on_hand
    if reorder_level is not None:
        item.reorder_level = reorder_level
    note_low_stock(session, stock, available_before=before)
    await session.flush()
    return item
