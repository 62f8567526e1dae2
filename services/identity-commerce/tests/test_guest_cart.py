"""Guest carts (X-Cart-Token on every /cart route), their expiry, and merging one into an
account's cart after sign-in; the catalog simulated by respx as in test_cart."""

from __future__ import annotations

from datetime import timedelta

import httpx
from identity_commerce.models import CartItem, GuestCart
from identity_commerce.services import guest_carts
from identity_commerce.services.guest_carts import token_hash
from shopkit.db import utcnow
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .test_cart import CartApi, FakeCatalog, cart, catalog  # noqa: F401  (fixtures)

__all__ = ["cart", "catalog"]


async def new_guest(client: httpx.AsyncClient) -> CartApi:
    created = await client.post("/cart/guest")
    assert created.status_code == 201, created.text
    token = created.json()["cart_token"]
    assert len(token) >= 43  # >= 256 bits of URL-safe base64 (the contract asks >= 128)
    return CartApi(client, {"X-Cart-Token": token})


def stored_hash(guest: CartApi) -> str:
    """What the database keeps of the guest's cart token."""
    return token_hash(guest.headers["X-Cart-Token"])


async def test_guest_cart_lifecycle(
    client: httpx.AsyncClient, catalog: FakeCatalog, db_session: AsyncSession
) -> None:
    catalog.put("RUN-42", price="59.90", available=5)
    guest = await new_guest(client)
    stored = await db_session.scalar(
        select(GuestCart).where(GuestCart.token_hash == stored_hash(guest))
    )
    assert stored is not None  # only the hash is stored

    assert (await guest.contents())["items"] == []
    added = await guest.add("RUN-42", quantity=2)
    assert added.status_code == 201, added.text
    line = added.json()
    shown = await guest.contents()
    assert [(i["sku"], i["quantity"]) for i in shown["items"]] == [("RUN-42", 2)]
    assert shown["subtotal"] == "119.80"
    too_many = await guest.change(line["id"], 6)
    assert too_many.status_code == 409
    put = await guest.change(line["id"], 3)
    assert put.json()["quantity"] == 3
    assert (await guest.remove(line["id"])).status_code == 204
    await guest.add("RUN-42")
    assert (await guest.empty()).status_code == 204
    assert (await guest.contents())["item_count"] == 0


async def test_one_cart_cannot_touch_another(
    client: httpx.AsyncClient, catalog: FakeCatalog, cart: CartApi
) -> None:
    catalog.put("RUN-42", available=5)
    first, second = await new_guest(client), await new_guest(client)
    line = (await first.add("RUN-42")).json()
    for other in (second, cart):
        assert (await other.change(line["id"], 2)).status_code == 404
        assert (await other.remove(line["id"])).status_code == 404
        assert (await other.contents())["items"] == []
    assert (await first.contents())["item_count"] == 1


async def test_unknown_expired_or_missing_tokens(
    client: httpx.AsyncClient, catalog: FakeCatalog, db_session: AsyncSession
) -> None:
    unknown = CartApi(client, {"X-Cart-Token": "C" * 43})
    assert (await unknown.view()).status_code == 404
    assert (await unknown.add("RUN-42")).status_code == 404
    assert (await CartApi(client, {"X-Cart-Token": "short"}).view()).status_code == 422
    assert (await client.get("/cart")).status_code == 401

    guest = await new_guest(client)
    await db_session.execute(
        update(GuestCart)
        .where(GuestCart.token_hash == stored_hash(guest))
        .values(last_used_at=utcnow() - timedelta(days=30, seconds=1))
    )
    await db_session.commit()
    assert (await guest.view()).status_code == 404


async def test_expiry_job_deletes_unused_guest_carts_with_their_lines(
    client: httpx.AsyncClient, catalog: FakeCatalog, db_session: AsyncSession
) -> None:
    catalog.put("RUN-42", available=5)
    old, fresh = await new_guest(client), await new_guest(client)
    for guest in (old, fresh):
        await guest.add("RUN-42")
    await db_session.execute(
        update(GuestCart)
        .where(GuestCart.token_hash == stored_hash(old))
        .values(last_used_at=utcnow() - timedelta(days=31))
    )
    removed = await guest_carts.delete_expired(db_session, ttl=timedelta(days=30))
    assert removed >= 1
    remaining = await db_session.scalars(select(GuestCart.token_hash))
    hashes = set(remaining.all())
    assert stored_hash(old) not in hashes
    assert stored_hash(fresh) in hashes
    orphans = await db_session.scalar(
        select(func.count())
        .select_from(CartItem)
        .where(
            CartItem.guest_cart_id.is_not(None), CartItem.guest_cart_id.not_in(select(GuestCart.id))
        )
    )
    assert orphans == 0


async def test_creating_guest_carts_is_limited_per_client_address(
    client: httpx.AsyncClient,
) -> None:
    for attempt in range(30):
        assert (await client.post("/cart/guest")).status_code == 201, attempt
    blocked = await client.post("/cart/guest")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1


async def test_merge_sums_caps_flags_and_is_idempotent(
    client: httpx.AsyncClient, catalog: FakeCatalog, cart: CartApi
) -> None:
    catalog.put("RUN-42", price="59.90", available=5)
    catalog.put("SOCK-M", price="4.50", available=100)
    catalog.put("CAP-1", price="9.00", available=2)
    catalog.put("GONE-1", price="1.00", available=9)
    await cart.add("RUN-42", quantity=2)
    await cart.add("SOCK-M", quantity=1)
    guest = await new_guest(client)
    for sku, quantity in (("RUN-42", 4), ("SOCK-M", 2), ("CAP-1", 1), ("GONE-1", 1)):
        added = await guest.add(sku, quantity=quantity)
        assert added.status_code == 201, added.text
    catalog.put("CAP-1", price="9.00", available=2)
    catalog.put("GONE-1", price="1.00", available=9, active=False)  # archived meanwhile

    merged = await cart.merge(guest)
    assert merged.status_code == 200, merged.text
    result = merged.json()
    assert result["merged"] is True
    quantities = {item["sku"]: item["quantity"] for item in result["items"]}
    assert quantities == {"RUN-42": 5, "SOCK-M": 3, "CAP-1": 1}
    assert sorted(
        (a["sku"], a["requested"], a["quantity"], a["reason"]) for a in result["adjusted"]
    ) == [("GONE-1", 1, 0, "unavailable"), ("RUN-42", 6, 5, "stock")]
    # The guest cart is gone; merging again changes nothing.
    assert (await guest.view()).status_code == 404
    again = await cart.merge(guest)
    assert again.status_code == 200
    assert again.json()["merged"] is False and again.json()["adjusted"] == []
    assert {i["sku"]: i["quantity"] for i in again.json()["items"]} == quantities


async def test_merge_needs_an_account_and_leaves_both_carts_when_the_catalog_is_down(
    client: httpx.AsyncClient, catalog: FakeCatalog, cart: CartApi
) -> None:
    catalog.put("RUN-42", available=5)
    guest = await new_guest(client)
    await guest.add("RUN-42", quantity=2)
    assert (await guest.merge(guest)).status_code == 401
    catalog.down = True
    down = await cart.merge(guest)
    assert down.status_code == 503
    catalog.down = False
    assert (await guest.contents())["item_count"] == 2
    assert (await cart.contents())["item_count"] == 0
    merged = await cart.merge(guest)
    assert merged.json()["item_count"] == 2
