"""Guest carts: a cart without an account, reached with an opaque token.

- The token is 256 random bits, shown once at creation; only its SHA-256 is stored, so the
  table opens no cart. Whoever holds it holds the cart (like a session cookie).
- A cart unused for `GUEST_CART_TTL_DAYS` is expired: its token answers 404 at once, and
  the sweeper deletes it (lines cascade). Every use moves `last_used_at` forward.
- Creating one is limited per client address (`GUEST_CART_MAX_PER_CLIENT` per hour), so one
  client cannot fill the table; a cart holds at most `CART_MAX_LINES` lines like any other.
- Merging into an account (`merge_into_account`) locks the account's row and then the guest
  cart's, sums the same sku's quantities, caps each line at what the catalog can sell and the
  per-line limit, and deletes the guest cart: a second merge finds no cart and is a no-op.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from fastapi import FastAPI
from shopkit.db import make_sessionmaker, utcnow
from shopkit.periodic import run_rounds
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.catalog import CatalogClient
from identity_commerce.models import CartItem, GuestCart
from identity_commerce.services.accounts import get_active_user
from identity_commerce.services.cart import CartOwner, _apply_catalog

log = logging.getLogger("identity_commerce.guest_carts")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def create(session: AsyncSession) -> str:
    """A new, empty guest cart; returns its token (never stored)."""
    token = secrets.token_urlsafe(32)
    session.add(GuestCart(token_hash=token_hash(token)))
    await session.flush()
    return token


async def find(
    session: AsyncSession, *, token: str, ttl: timedelta, touch: bool = True
) -> GuestCart | None:
    """The live guest cart of this token (None when unknown or expired); `touch` moves its
    last use to now in the same statement."""
    now = utcnow()
    alive = (GuestCart.token_hash == token_hash(token), GuestCart.last_used_at > now - ttl)
    if touch:
        found = await session.scalar(
            update(GuestCart).where(*alive).values(last_used_at=now).returning(GuestCart)
        )
    else:
        found = await session.scalar(select(GuestCart).where(*alive))
    return found


async def delete_expired(
    session: AsyncSession, *, ttl: timedelta, now: datetime | None = None
) -> int:
    result = await session.execute(
        delete(GuestCart).where(GuestCart.last_used_at <= (now or utcnow()) - ttl)
    )
    return cast(CursorResult[Any], result).rowcount or 0


@dataclass(frozen=True)
class MergeAdjustment:
    """A guest line that could not move in full."""

    sku: str
    requested: int  # what the account's line would have held: its units plus the guest's
    quantity: int  # what it holds now
    reason: str  # "stock" | "line_limit" | "cart_full" | "unavailable"


async def merge_into_account(
    session: AsyncSession,
    catalog: CatalogClient,
    *,
    user_id: uuid.UUID,
    token: str,
    ttl: timedelta,
    max_lines: int,
    max_quantity_per_line: int,
) -> list[MergeAdjustment] | None:
    """Move the guest cart's lines into the account's cart; None when there was no live
    guest cart (already merged, expired or unknown: nothing to do). The catalog is asked
    before anything is written: when it is down (503) both carts stay as they were."""
    await get_active_user(session, user_id=user_id, for_update=True)  # one writer per cart
    guest = await session.scalar(
        select(GuestCart)
        .where(GuestCart.token_hash == token_hash(token), GuestCart.last_used_at > utcnow() - ttl)
        .with_for_update()
    )
    if guest is None:
        return None
    guest_lines = list(
        (
            await session.scalars(
                select(CartItem)
                .where(CartItem.guest_cart_id == guest.id)
                .order_by(CartItem.created_at, CartItem.id)
            )
        ).all()
    )
    account = CartOwner.account(user_id)
    mine = {
        item.sku: item
        for item in (await session.scalars(select(CartItem).where(account.owns()))).all()
    }
    variants = await catalog.get_variants(line.sku for line in guest_lines) if guest_lines else {}
    adjustments: list[MergeAdjustment] = []
    line_count = len(mine)
    for line in guest_lines:
        variant = variants.get(line.sku)
        existing = mine.get(line.sku)
        have = existing.quantity if existing else 0
        requested = have + line.quantity
        if variant is None or not variant.active:
            adjustments.append(MergeAdjustment(line.sku, requested, have, "unavailable"))
            continue
        quantity, reason = requested, None
        if quantity > max_quantity_per_line:
            quantity, reason = max_quantity_per_line, "line_limit"
        if quantity > variant.available:
            quantity, reason = variant.available, "stock"
        quantity = max(quantity, have)  # never take away what the account already had
        if existing is None and quantity > 0 and line_count >= max_lines:
            quantity, reason = 0, "cart_full"
        if reason is not None:
            adjustments.append(MergeAdjustment(line.sku, requested, quantity, reason))
        if quantity <= 0:
            continue
        if existing is None:
            existing = CartItem(
                **account.fields(),
                sku=line.sku,
                quantity=quantity,
                name=variant.display_name[:300],
                unit_price=variant.price,
            )
            session.add(existing)
            mine[line.sku] = existing
            line_count += 1
        existing.quantity = quantity
        _apply_catalog(existing, variant)
    await session.delete(guest)  # its lines go with it (ON DELETE CASCADE)
    await session.flush()
    return adjustments


async def expired_guest_cart_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job: delete guest carts unused for GUEST_CART_TTL_DAYS, now and then."""
    settings = app.state.settings
    sessionmaker = make_sessionmaker(app.state.db.engine)

    async def one_round() -> int:
        async with sessionmaker() as session, session.begin():
            return await delete_expired(session, ttl=timedelta(days=settings.guest_cart_ttl_days))

    await run_rounds(
        stop,
        one_round,
        every_seconds=settings.guest_cart_sweep_seconds,
        log=log,
        failed="deleting expired guest carts failed",
        done="deleted %d expired guest carts",
        wait_first=True,
    )
