"""Address book: CRUD, one default per kind, ISO country codes, ownership (404)."""

from __future__ import annotations

import uuid

import httpx
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import Shopper, address_body, auth, make_address, make_user


async def test_create_list_read_replace_delete(client: httpx.AsyncClient, shopper: Shopper) -> None:
    _, headers = shopper
    created = await client.post(
        "/addresses", headers=headers, json=address_body(country="us", line2="  Suite 5 ")
    )
    assert created.status_code == 201, created.text
    address = created.json()
    assert address["country"] == "US"
    assert address["line2"] == "Suite 5"
    assert address["phone"] == "+16502530000"
    assert address["is_default"] is True  # the first shipping address

    listed = await client.get("/addresses", headers=headers)
    assert [a["id"] for a in listed.json()] == [address["id"]]
    read = await client.get(f"/addresses/{address['id']}", headers=headers)
    assert read.json() == address

    replaced = await client.put(
        f"/addresses/{address['id']}",
        headers=headers,
        json=address_body(city="Palo Alto", postal_code="94301", is_default=True),
    )
    assert replaced.status_code == 200
    assert replaced.json()["city"] == "Palo Alto"
    assert replaced.json()["line2"] is None  # PUT replaces the whole address

    deleted = await client.delete(f"/addresses/{address['id']}", headers=headers)
    assert deleted.status_code == 204
    assert (await client.get(f"/addresses/{address['id']}", headers=headers)).status_code == 404
    assert (await client.get("/addresses", headers=headers)).json() == []


async def test_one_default_per_kind(client: httpx.AsyncClient, shopper: Shopper) -> None:
    _, headers = shopper

    async def add(**fields: object) -> dict[str, object]:
        response = await client.post("/addresses", headers=headers, json=address_body(**fields))
        assert response.status_code == 201, response.text
        return dict(response.json())

    home = await add(full_name="Home")
    office = await add(full_name="Office")
    billing = await add(full_name="Billing", kind="billing")
    assert home["is_default"] and not office["is_default"]
    assert billing["is_default"]  # first of its kind, whatever the shipping ones do

    cabin = await add(full_name="Cabin", is_default=True)

    async def defaults() -> dict[str, str]:
        listed = (await client.get("/addresses", headers=headers)).json()
        return {a["kind"]: a["full_name"] for a in listed if a["is_default"]}

    assert await defaults() == {"shipping": "Cabin", "billing": "Billing"}

    # Un-defaulting the default hands it to the newest other address of that kind.
    await client.put(
        f"/addresses/{cabin['id']}", headers=headers, json=address_body(full_name="Cabin")
    )
    assert await defaults() == {"shipping": "Office", "billing": "Billing"}

    # Deleting the default does the same.
    await client.delete(f"/addresses/{office['id']}", headers=headers)
    assert await defaults() == {"shipping": "Cabin", "billing": "Billing"}

    # Moving the default to another kind keeps both kinds with one default each.
    moved = await client.put(
        f"/addresses/{cabin['id']}",
        headers=headers,
        json=address_body(full_name="Cabin", kind="billing", is_default=True),
    )
    assert moved.json()["kind"] == "billing"
    assert await defaults() == {"shipping": "Home", "billing": "Cabin"}

    only_billing = await client.get("/addresses?kind=billing", headers=headers)
    assert {a["full_name"] for a in only_billing.json()} == {"Cabin", "Billing"}


async def test_the_only_address_of_a_kind_stays_default(
    client: httpx.AsyncClient, shopper: Shopper
) -> None:
    _, headers = shopper
    created = (await client.post("/addresses", headers=headers, json=address_body())).json()
    kept = await client.put(
        f"/addresses/{created['id']}", headers=headers, json=address_body(is_default=False)
    )
    assert kept.json()["is_default"] is True


async def test_invalid_addresses_are_422(client: httpx.AsyncClient, shopper: Shopper) -> None:
    _, headers = shopper
    for bad in (
        {"country": "XX"},
        {"country": "USA"},
        {"country": "U1"},
        {"country": 12},
        {"kind": "pickup"},
        {"line1": "  "},
        {"postal_code": "9" * 21},
        {"phone": "not a phone"},
        {"full_name": None},
        {"line1": "Main St\u0000"},
        {"city": "\x1b[31mred"},
    ):
        response = await client.post("/addresses", headers=headers, json=address_body(**bad))
        assert response.status_code == 422, (bad, response.text)
    assert (await client.get("/addresses?kind=pickup", headers=headers)).status_code == 422
    assert (await client.get("/addresses/not-a-uuid", headers=headers)).status_code == 422


async def test_alice_cannot_touch_bobs_addresses(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    alice = await make_user(db_session, first_name="Alice")
    bob = await make_user(db_session, first_name="Bob")
    bobs = await make_address(db_session, bob, full_name="Bob Roe", is_default=True)
    as_alice = auth(tokens, alice)

    read = await client.get(f"/addresses/{bobs.id}", headers=as_alice)
    change = await client.put(
        f"/addresses/{bobs.id}", headers=as_alice, json=address_body(full_name="Mallory")
    )
    delete = await client.delete(f"/addresses/{bobs.id}", headers=as_alice)
    assert read.status_code == change.status_code == delete.status_code == 404
    assert (await client.get("/addresses", headers=as_alice)).json() == []

    bobs_view = await client.get(f"/addresses/{bobs.id}", headers=auth(tokens, bob))
    assert bobs_view.status_code == 200
    assert bobs_view.json()["full_name"] == "Bob Roe"
    unknown = await client.get(f"/addresses/{uuid.uuid4()}", headers=as_alice)
    assert unknown.status_code == 404
