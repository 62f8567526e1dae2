"""The cart: one server-side cart per user, one line per sku, checked against the catalog.

For checkout (same service):
- `list_cart_items(session, user_id=...)` -> the user's `CartItem` rows (sku, quantity and
  the last catalog facts seen; re-price with `CatalogClient.get_variants` before charging);
- `remove_ordered_lines(session, user_id=..., lines=[(sku, quantity), ...])` -> takes what an
  order bought out of the cart (call it in the transaction that marks the order paid);
- `clear_cart(session, user_id=...)` -> deletes every line.

Writes ask catalog-fulfillment first and change nothing when it is down (503 from
`UpstreamUnavailable`); reads fall back to the stored lines, flagged as not refreshed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from shopkit.db import utcnow
from shopkit.errors import Conflict, NotFound
from shopkit.http import UpstreamUnavailable
from sqlalchemy import ColumnElement, delete, func, select, text
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.clients.catalog import CatalogClient, CatalogVariant
from identity_commerce.models import CartItem, GuestCart, Order
from identity_commerce.models.cart import CartLine, CartView
from identity_commerce.services.accounts import get_active_user


@dataclass(frozen=True)
class CartOwner:
    """Whose cart: a signed-in account's, or a guest cart's (X-Cart-Token)."""

    user_id: uuid.UUID | None = None
    guest_cart_id: uuid.UUID | None = None

    @classmethod
    def account(cls, user_id: uuid.UUID) -> CartOwner:
        return cls(user_id=user_id)

    @classmethod
    def guest(cls, guest_cart_id: uuid.UUID) -> CartOwner:
        return cls(guest_cart_id=guest_cart_id)

    @property
    def column(self) -> str:
        return "user_id" if self.user_id is not None else "guest_cart_id"

    @property
    def counter_name(self) -> str:
        """The holder in a rate-limit counter's key: `user:<id>` or `guest:<id>`."""
        return f"user:{self.user_id}" if self.user_id is not None else f"guest:{self.guest_cart_id}"

    @property
    def id(self) -> uuid.UUID:
        owner_id = self.user_id or self.guest_cart_id
        assert owner_id is not None
        return owner_id

    def owns(self) -> ColumnElement[bool]:
        if self.user_id is not None:
            return CartItem.user_id == self.user_id
        return CartItem.guest_cart_id == self.guest_cart_id

    def fields(self) -> dict[str, uuid.UUID | None]:
        return {"user_id": self.user_id, "guest_cart_id": self.guest_cart_id}

    async def lock(self, session: AsyncSession) -> None:
        """One writer per cart: lock the account's row, or the guest cart's."""
        if self.user_id is not None:
            await get_active_user(session, user_id=self.user_id, for_update=True)
        else:
            await session.execute(
                select(GuestCart.id).where(GuestCart.id == self.guest_cart_id).with_for_update()
            )


OwnerOrUser = CartOwner | uuid.UUID


def cart_owner_of(order: Order) -> CartOwner | None:
    """The cart an order was bought from (None: a guest cart that no longer exists)."""
    if order.user_id is not None:
        return CartOwner.account(order.user_id)
    if order.guest_cart_id is not None:
        return CartOwner.guest(order.guest_cart_id)
    return None


def _owner(owner: OwnerOrUser) -> CartOwner:
    """Checkout and payments pass an account's id; the cart routes pass a `CartOwner`."""
    return owner if isinstance(owner, CartOwner) else CartOwner.account(owner)


def _shortage(sku: str, requested: int, available: int) -> Conflict:
    return Conflict(
        "Not enough stock",
        shortages=[{"sku": sku, "requested": requested, "available": max(0, available)}],
    )


def _facts(item: CartItem) -> tuple[object, ...]:
    return (
        item.product_id,
        item.variant_id,
        item.name,
        item.image_url,
        item.unit_price,
        item.currency,
        item.available,
    )


def _apply_catalog(item: CartItem, variant: CatalogVariant | None) -> None:
    """Copy the catalog's current facts onto the line (a vanished sku is just unavailable).

    Only a real change is written, so showing the cart does not update every line each time.
    """
    before = _facts(item) if item.id is not None and item.name is not None else None
    if variant is None:
        item.available = False
    else:
        item.product_id = variant.product_id
        item.variant_id = variant.variant_id
        item.name = variant.display_name[:300]
        item.image_url = variant.image_url
        item.unit_price = variant.price
        item.currency = variant.currency
        item.available = variant.active and variant.available >= item.quantity
    if before != _facts(item):
        item.catalog_checked_at = utcnow()


async def list_cart_items(
    session: AsyncSession, *, user_id: OwnerOrUser, fresh: bool = False
) -> list[CartItem]:
    """The cart's lines, oldest first (`fresh`: overwrite lines already loaded in this
    session, after a change made with plain SQL)."""
    statement = (
        select(CartItem).where(_owner(user_id).owns()).order_by(CartItem.created_at, CartItem.id)
    )
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return list((await session.scalars(statement)).all())


async def clear_cart(session: AsyncSession, *, user_id: OwnerOrUser) -> int:
    """Delete all of the cart's lines; returns how many there were."""
    result = await session.execute(delete(CartItem).where(_owner(user_id).owns()))
    return cast(CursorResult[Any], result).rowcount or 0


# One statement: subtract what was ordered from each sku's line, drop the lines that reach
# zero. (Both parts see the same snapshot and touch different rows.)
_REMOVE_ORDERED_LINES = """
    WITH ordered AS (
        SELECT o.sku, o.quantity
        FROM unnest(CAST(:skus AS varchar[]), CAST(:quantities AS integer[])) AS o(sku, quantity)
    ), reduced AS (
        UPDATE cart_items AS c SET quantity = c.quantity - o.quantity, updated_at = now()
        FROM ordered AS o
        WHERE c.{owner} = :owner_id AND c.sku = o.sku AND c.quantity > o.quantity
        RETURNING c.id
    )
    DELETE FROM cart_items AS c USING ordered AS o
    WHERE c.{owner} = :owner_id AND c.sku = o.sku AND c.quantity <= o.quantity
"""
# The column is one of two fixed names (CartOwner.column), never caller text.
_REMOVE_ORDERED_LINES_BY = {
    column: text(_REMOVE_ORDERED_LINES.format(owner=column))
    for column in ("user_id", "guest_cart_id")
}


async def remove_ordered_lines(
    session: AsyncSession, *, user_id: OwnerOrUser, lines: list[tuple[str, int]]
) -> None:
    """Take what an order bought out of the cart, and nothing else: a line the customer
    added (or units added to a line) after checking out stays in the cart."""
    ordered: dict[str, int] = {}
    for sku, quantity in lines:
        ordered[sku] = ordered.get(sku, 0) + quantity
    if not ordered:
        return
    owner = _owner(user_id)
    await session.execute(
        _REMOVE_ORDERED_LINES_BY[owner.column],
        {"skus": list(ordered), "quantities": list(ordered.values()), "owner_id": owner.id},
    )


async def get_cart_item(session: AsyncSession, *, owner: CartOwner, item_id: uuid.UUID) -> CartItem:
    """The cart's line; 404 when it does not exist or belongs to another cart."""
    item = await session.scalar(select(CartItem).where(CartItem.id == item_id, owner.owns()))
    if item is None:
        raise NotFound("Cart line not found")
    return item


async def view_cart(session: AsyncSession, catalog: CatalogClient, *, owner: CartOwner) -> CartView:
    """Lines with current names, prices and availability; the stored ones when the catalog
    cannot be reached."""
    items = await list_cart_items(session, user_id=owner)
    if not items:
        return CartView(lines=[], refreshed=True)
    try:
        variants = await catalog.get_variants(item.sku for item in items)
    except UpstreamUnavailable:
        return CartView(lines=[CartLine(item, None) for item in items], refreshed=False)
    lines = []
    for item in items:
        variant = variants.get(item.sku)
        _apply_catalog(item, variant)
        lines.append(CartLine(item, variant.available if variant and variant.active else 0))
    await session.flush()
    return CartView(lines=lines, refreshed=True)


async def add_item(
    session: AsyncSession,
    catalog: CatalogClient,
    *,
    owner: CartOwner,
    sku: str,
    quantity: int,
    max_lines: int,
    max_quantity_per_line: int,
) -> CartLine:
    """Add `quantity` of `sku`; a sku already in the cart adds up on its line.

    404 unknown or archived sku, 409 when the line would exceed the stock, the per-line cap
    or the number of lines; 503 when the catalog is down (then nothing is written).
    """
    variant = await catalog.get_variant(sku)  # before any write: down means no change
    if variant is None or not variant.active:
        raise NotFound(f"Unknown sku: {sku}")
    await owner.lock(session)  # one writer per cart
    item = await session.scalar(select(CartItem).where(owner.owns(), CartItem.sku == sku))
    requested = (item.quantity if item else 0) + quantity
    if requested > max_quantity_per_line:
        raise Conflict(f"A cart line holds at most {max_quantity_per_line} units")
    if requested > variant.available:
        raise _shortage(sku, requested, variant.available)
    if item is None:
        lines = await session.scalar(select(func.count()).select_from(CartItem).where(owner.owns()))
        if (lines or 0) >= max_lines:
            raise Conflict(f"The cart holds at most {max_lines} different skus")
        item = CartItem(
            **owner.fields(),
            sku=sku,
            quantity=requested,
            name=variant.display_name[:300],
            unit_price=variant.price,
        )
        session.add(item)
    item.quantity = requested
    _apply_catalog(item, variant)
    await session.flush()
    return CartLine(item, variant.available)


async def set_quantity(
    session: AsyncSession,
    catalog: CatalogClient,
    *,
    owner: CartOwner,
    item_id: uuid.UUID,
    quantity: int,
    max_quantity_per_line: int,
) -> CartLine:
    """Set a line's quantity: 404 not the user's line, 409 too many or no longer sold,
    503 catalog down (nothing changes)."""
    item = await get_cart_item(session, owner=owner, item_id=item_id)
    variant = await catalog.get_variant(item.sku)
    await owner.lock(session)
    if quantity > max_quantity_per_line:
        raise Conflict(f"A cart line holds at most {max_quantity_per_line} units")
    if variant is None or not variant.active:
        raise _shortage(item.sku, quantity, 0)
    if quantity > variant.available:
        raise _shortage(item.sku, quantity, variant.available)
    item.quantity = quantity
    _apply_catalog(item, variant)
    await session.flush()
    return CartLine(item, variant.available)


async def remove_item(session: AsyncSession, *, owner: CartOwner, item_id: uuid.UUID) -> None:
    """Delete a line (404 when not this cart's). Needs no catalog: removing is always safe."""
    item = await get_cart_item(session, owner=owner, item_id=item_id)
    await session.delete(item)
    await session.flush()
