"""The address book: per-user CRUD with one default address per kind.

Rules: the first address of a kind becomes its default; choosing a new default clears the
old one; when the default is deleted, changes kind or is un-defaulted, the most recently
created other address of that kind takes over, so a kind that has addresses always has a
default. Every change locks the user's row first, so two concurrent requests of one user
cannot both decide they made "the first" address.

Checkout reads addresses with `get_address` (404 when not the caller's).
"""

from __future__ import annotations

import uuid
from typing import Any

from shopkit.errors import NotFound
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import Address
from identity_commerce.services.accounts import get_active_user


async def list_addresses(
    session: AsyncSession, *, user_id: uuid.UUID, kind: str | None = None
) -> list[Address]:
    statement = select(Address).where(Address.user_id == user_id)
    if kind is not None:
        statement = statement.where(Address.kind == kind)
    statement = statement.order_by(
        Address.kind.desc(), Address.is_default.desc(), Address.created_at, Address.id
    )
    return list((await session.scalars(statement)).all())


async def get_address(
    session: AsyncSession, *, user_id: uuid.UUID, address_id: uuid.UUID
) -> Address:
    """The user's address; 404 when it does not exist or belongs to someone else."""
    address = await session.scalar(
        select(Address).where(Address.id == address_id, Address.user_id == user_id)
    )
    if address is None:
        raise NotFound("Address not found")
    return address


async def _lock_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await get_active_user(session, user_id=user_id, for_update=True)


async def _clear_default(session: AsyncSession, *, user_id: uuid.UUID, kind: str) -> None:
    await session.execute(
        update(Address)
        .where(Address.user_id == user_id, Address.kind == kind, Address.is_default.is_(True))
        .values(is_default=False)
    )


async def _has_default(session: AsyncSession, *, user_id: uuid.UUID, kind: str) -> bool:
    found = await session.scalar(
        select(Address.id).where(
            Address.user_id == user_id, Address.kind == kind, Address.is_default.is_(True)
        )
    )
    return found is not None


async def _promote_newest(
    session: AsyncSession, *, user_id: uuid.UUID, kind: str, except_id: uuid.UUID | None
) -> None:
    """Make the newest address of `kind` (other than `except_id`) the default, if any."""
    statement = select(Address).where(Address.user_id == user_id, Address.kind == kind)
    if except_id is not None:
        statement = statement.where(Address.id != except_id)
    newest = await session.scalar(
        statement.order_by(Address.created_at.desc(), Address.id.desc()).limit(1)
    )
    if newest is not None:
        newest.is_default = True
        await session.flush()


async def create_address(
    session: AsyncSession, *, user_id: uuid.UUID, fields: dict[str, Any]
) -> Address:
    await _lock_user(session, user_id)
    kind = fields["kind"]
    make_default = bool(fields.get("is_default")) or not await _has_default(
        session, user_id=user_id, kind=kind
    )
    if make_default:
        await _clear_default(session, user_id=user_id, kind=kind)
    address = Address(user_id=user_id, **{**fields, "is_default": make_default})
    session.add(address)
    await session.flush()
    return address


async def replace_address(
    session: AsyncSession, *, user_id: uuid.UUID, address_id: uuid.UUID, fields: dict[str, Any]
) -> Address:
    await _lock_user(session, user_id)
    address = await get_address(session, user_id=user_id, address_id=address_id)
    old_kind, was_default = address.kind, address.is_default
    new_kind, wants_default = fields["kind"], bool(fields.get("is_default"))

    if wants_default:
        address.is_default = False
        await session.flush()
        await _clear_default(session, user_id=user_id, kind=new_kind)
    for name, value in fields.items():
        if name != "is_default":
            setattr(address, name, value)
    address.is_default = False
    await session.flush()

    if was_default and (old_kind != new_kind or not wants_default):
        await _promote_newest(session, user_id=user_id, kind=old_kind, except_id=address.id)
    # Wanted as default, or the only address of its kind (then it must stay/become default).
    if wants_default or not await _has_default(session, user_id=user_id, kind=new_kind):
        address.is_default = True
        await session.flush()
    return address


async def delete_address(
    session: AsyncSession, *, user_id: uuid.UUID, address_id: uuid.UUID
) -> None:
    await _lock_user(session, user_id)
    address = await get_address(session, user_id=user_id, address_id=address_id)
    kind, was_default = address.kind, address.is_default
    await session.delete(address)
    await session.flush()
    if was_default:
        await _promote_newest(session, user_id=user_id, kind=kind, except_id=None)
