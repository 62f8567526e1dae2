"""Cart rules, with catalog-fulfillment's /catalog/variants simulated by respx."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx
from identity_commerce.models import CartItem
from identity_commerce.services.cart import clear_cart, list_cart_items
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import Shopper, auth, make_user

PRODUCT_ID = uuid.uuid4()


def variant(
    sku: str,
    *,
    price: str = "19.99",
    available: int = 10,
    active: bool = True,
    name: str = "Trail Runner",
    variant_name: str | None = "Size 42",
) -> dict[str, Any]:
    return {
        "sku": sku,
        "variant_id": str(uuid.uuid5(uuid.NAMESPACE_URL, sku)),
        "product_id": str(PRODUCT_ID),
        "product_name": name,
        "variant_name": variant_name,
        "attributes": {"size": "42"},
        "price": price,
        "currency": "USD",
        "image_url": "https://img.example.com/runner.jpg",
        "active": active,
        "available": available,
    }


class FakeCatalog:
    """The catalog's variants, answered through respx for whichever skus are asked."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.variants: dict[str, dict[str, Any]] = {}
        self.down = False
        self.route = router.get("/catalog/variants").mock(side_effect=self._answer)

    def put(self, sku: str, **fields: Any) -> None:
        self.variants[sku] = variant(sku, **fields)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        asked = request.url.params["skus"].split(",")
        items = [self.variants[s] for s in asked if s in self.variants]
        return httpx.Response(200, json={"items": items})


@pytest.fixture
def catalog(app: Any) -> Iterator[FakeCatalog]:
    with respx.mock(base_url=app.state.settings.catalog_url, assert_all_called=False) as router:
        yield FakeCatalog(router)


@dataclass
class CartApi:
    """One cart through the /cart routes: a signed-in account's (a bearer token in
    `headers`) or a guest's (an X-Cart-Token)."""

    client: httpx.AsyncClient
    headers: dict[str, str]

    async def add(self, sku: str, **fields: Any) -> httpx.Response:
        """Put `sku` in the cart; `quantity` (and any other field) as given, else the
        route's default."""
        return await self.client.post(
            "/cart/items", headers=self.headers, json={"sku": sku, **fields}
        )

    async def change(self, line_id: str, quantity: Any) -> httpx.Response:
        return await self.client.put(
            f"/cart/items/{line_id}", headers=self.headers, json={"quantity": quantity}
        )

    async def remove(self, line_id: str) -> httpx.Response:
        return await self.client.delete(f"/cart/items/{line_id}", headers=self.headers)

    async def empty(self) -> httpx.Response:
        return await self.client.delete("/cart", headers=self.headers)

    async def view(self) -> httpx.Response:
        return await self.client.get("/cart", headers=self.headers)

    async def contents(self) -> dict[str, Any]:
        return dict((await self.view()).json())

    async def merge(self, guest: CartApi) -> httpx.Response:
        """Move `guest`'s lines into this cart (after sign-in)."""
        body = {"cart_token": guest.headers["X-Cart-Token"]}
        return await self.client.post("/cart/merge", headers=self.headers, json=body)


@pytest.fixture
def cart(client: httpx.AsyncClient, shopper: Shopper) -> CartApi:
    """The signed-in shopper's cart."""
    return CartApi(client, shopper[1])


async def test_add_view_update_remove(cart: CartApi, catalog: FakeCatalog) -> None:
    catalog.put("RUN-42", price="59.90", available=5)
    catalog.put("SOCK-M", price="4.50", available=100, name="Socks", variant_name=None)

    added = await cart.add("RUN-42", quantity=2)
    assert added.status_code == 201, added.text
    line = added.json()
    assert line["unit_price"] == "59.90"
    assert line["line_total"] == "119.80"
    assert line["name"] == "Trail Runner — Size 42"
    assert line["available"] is True
    assert line["product_id"] == str(PRODUCT_ID)
    await cart.add("SOCK-M", quantity=3)

    shown = await cart.contents()
    assert [i["sku"] for i in shown["items"]] == ["RUN-42", "SOCK-M"]
    assert shown["subtotal"] == "133.30"
    assert shown["currency"] == "USD"
    assert shown["item_count"] == 5
    assert shown["refreshed"] is True
    assert shown["items"][1]["name"] == "Socks"

    updated = await cart.change(line["id"], 1)
    assert updated.status_code == 200
    assert updated.json()["quantity"] == 1
    removed = await cart.remove(line["id"])
    assert removed.status_code == 204
    shown = await cart.contents()
    assert [i["sku"] for i in shown["items"]] == ["SOCK-M"]
    assert shown["subtotal"] == "13.50"

    assert (await cart.empty()).status_code == 204
    assert await cart.contents() == {
        "items": [],
        "subtotal": "0.00",
        "promo": None,
        "discount": "0.00",
        "discounted_subtotal": "0.00",
        "currency": "USD",
        "item_count": 0,
        "refreshed": True,
    }


async def test_same_sku_twice_merges(cart: CartApi, catalog: FakeCatalog) -> None:
    catalog.put("RUN-42", available=10)
    first = await cart.add("RUN-42", quantity=2)
    second = await cart.add("RUN-42", quantity=3)
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["quantity"] == 5
    shown = await cart.contents()
    assert len(shown["items"]) == 1 and shown["item_count"] == 5


async def test_unknown_or_archived_sku_is_404(cart: CartApi, catalog: FakeCatalog) -> None:
    catalog.put("OLD-1", active=False)
    for sku in ("NOPE-1", "OLD-1"):
        response = await cart.add(sku, quantity=1)
        assert response.status_code == 404, sku
        assert sku in response.json()["detail"]


async def test_more_than_available_is_409_with_shortages(
    cart: CartApi, catalog: FakeCatalog, shopper: Shopper, db_session: AsyncSession
) -> None:
    user, _ = shopper
    catalog.put("RUN-42", available=3)
    too_many = await cart.add("RUN-42", quantity=4)
    assert too_many.status_code == 409
    assert too_many.json()["shortages"] == [{"sku": "RUN-42", "requested": 4, "available": 3}]
    assert await list_cart_items(db_session, user_id=user.id) == []

    # Merging counts too: 2 in the cart + 2 more > 3 available.
    ok = await cart.add("RUN-42", quantity=2)
    assert ok.status_code == 201
    merged = await cart.add("RUN-42", quantity=2)
    assert merged.status_code == 409
    assert merged.json()["shortages"][0]["requested"] == 4
    update = await cart.change(ok.json()["id"], 9)
    assert update.status_code == 409
    assert (await cart.contents())["items"][0]["quantity"] == 2


async def test_bad_quantities_are_422(cart: CartApi, catalog: FakeCatalog) -> None:
    catalog.put("RUN-42")
    line = (await cart.add("RUN-42")).json()
    assert line["quantity"] == 1
    for quantity in (0, -1, 1.5, "two", None, 10_000):
        add = await cart.add("RUN-42", quantity=quantity)
        put = await cart.change(line["id"], quantity)
        assert add.status_code == put.status_code == 422, quantity
    for sku in ("", "A,B", "has space", "-LEADING-DASH", "SKU/1", "x" * 65):
        response = await cart.add(sku, quantity=1)
        assert response.status_code == 422, sku


async def test_line_and_cart_caps_are_409(cart: CartApi, catalog: FakeCatalog, app: Any) -> None:
    catalog.put("RUN-42", available=1000)
    catalog.put("RUN-43", available=1000)
    cap = app.state.settings.cart_max_quantity_per_line
    over = await cart.add("RUN-42", quantity=cap + 1)
    assert over.status_code == 409
    app.state.settings.cart_max_lines = 1
    try:
        assert (await cart.add("RUN-42")).status_code == 201
        full = await cart.add("RUN-43")
        assert full.status_code == 409
        assert "at most 1" in full.json()["detail"]
    finally:
        app.state.settings.cart_max_lines = 100


async def test_cart_shows_current_prices_and_flags_lines_that_ran_out(
    cart: CartApi, catalog: FakeCatalog
) -> None:
    catalog.put("RUN-42", price="59.90", available=5)
    catalog.put("SOCK-M", price="4.50", available=5)
    catalog.put("HAT-1", price="15.00", available=5)
    for sku in ("RUN-42", "SOCK-M", "HAT-1"):
        await cart.add(sku, quantity=2)

    catalog.put("RUN-42", price="49.90", available=5, name="Trail Runner v2")  # price drop
    catalog.put("SOCK-M", price="4.50", available=1)  # stock ran low
    del catalog.variants["HAT-1"]  # sku withdrawn entirely
    shown = await cart.contents()
    by_sku = {i["sku"]: i for i in shown["items"]}
    assert by_sku["RUN-42"]["unit_price"] == "49.90"
    assert by_sku["RUN-42"]["name"].startswith("Trail Runner v2")
    assert by_sku["RUN-42"]["available"] is True
    assert by_sku["SOCK-M"]["available"] is False  # flagged, not dropped
    assert by_sku["SOCK-M"]["available_quantity"] == 1
    assert by_sku["HAT-1"]["available"] is False
    assert by_sku["HAT-1"]["available_quantity"] == 0
    assert len(shown["items"]) == 3


async def test_catalog_down_writes_are_503_and_reads_are_stale(
    cart: CartApi, catalog: FakeCatalog, shopper: Shopper, db_session: AsyncSession
) -> None:
    user, _ = shopper
    catalog.put("RUN-42", price="59.90", available=5)
    line = (await cart.add("RUN-42", quantity=2)).json()

    catalog.down = True
    add = await cart.add("RUN-42", quantity=1)
    new = await cart.add("SOCK-M", quantity=1)
    update = await cart.change(line["id"], 3)
    for response in (add, new, update):
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) > 0
        assert "catalog-fulfillment" in response.json()["detail"]
    rows = (await db_session.scalars(select(CartItem).where(CartItem.user_id == user.id))).all()
    assert [(r.sku, r.quantity) for r in rows] == [("RUN-42", 2)]  # nothing half-written

    stale = await cart.view()
    assert stale.status_code == 200
    body = stale.json()
    assert body["refreshed"] is False
    assert body["items"][0]["unit_price"] == "59.90"
    assert body["items"][0]["quantity"] == 2
    assert body["items"][0]["available_quantity"] is None
    assert body["subtotal"] == "119.80"

    # Removing a line needs no catalog.
    assert (await cart.remove(line["id"])).status_code == 204
    catalog.down = False
    assert (await cart.contents())["refreshed"] is True


async def test_catalog_answering_nonsense_is_503_not_500(cart: CartApi, app: Any) -> None:
    with respx.mock(base_url=app.state.settings.catalog_url) as router:
        router.get("/catalog/variants").mock(
            side_effect=[
                httpx.Response(200, json={"unexpected": True}),
                httpx.Response(500, text="boom"),
            ]
        )
        for _ in range(2):
            response = await cart.add("RUN-42")
            assert response.status_code == 503
            assert "Retry-After" in response.headers


async def test_catalog_blip_is_retried(cart: CartApi, app: Any) -> None:
    with respx.mock(base_url=app.state.settings.catalog_url) as router:
        route = router.get("/catalog/variants").mock(
            side_effect=[
                httpx.ConnectError("refused"),
                httpx.Response(503),
                httpx.Response(200, json={"items": [variant("RUN-42")]}),
            ]
        )
        response = await cart.add("RUN-42")
        assert response.status_code == 201
        assert route.call_count == 3


async def test_alice_cannot_touch_bobs_cart_lines(
    client: httpx.AsyncClient, catalog: FakeCatalog, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    catalog.put("RUN-42", available=10)
    alice = CartApi(client, auth(tokens, await make_user(db_session)))
    bob = CartApi(client, auth(tokens, await make_user(db_session)))
    bobs = (await bob.add("RUN-42", quantity=2)).json()

    change = await alice.change(bobs["id"], 1)
    delete = await alice.remove(bobs["id"])
    assert change.status_code == delete.status_code == 404
    assert (await alice.contents())["items"] == []
    await alice.empty()  # empties only Alice's cart

    bobs_cart = await bob.contents()
    assert [(i["id"], i["quantity"]) for i in bobs_cart["items"]] == [(bobs["id"], 2)]


async def test_clear_cart_for_checkout(
    cart: CartApi, catalog: FakeCatalog, shopper: Shopper, db_session: AsyncSession
) -> None:
    user, _ = shopper
    catalog.put("RUN-42")
    catalog.put("SOCK-M")
    for sku in ("RUN-42", "SOCK-M"):
        await cart.add(sku)
    assert [i.sku for i in await list_cart_items(db_session, user_id=user.id)] == [
        "RUN-42",
        "SOCK-M",
    ]
    assert await clear_cart(db_session, user_id=user.id) == 2
    assert await list_cart_items(db_session, user_id=user.id) == []


async def test_showing_the_cart_writes_only_real_changes(
    cart: CartApi, catalog: FakeCatalog, shopper: Shopper, db_session: AsyncSession
) -> None:
    user, _ = shopper
    catalog.put("RUN-42", price="59.90")
    await cart.add("RUN-42")

    async def checked_at() -> object:
        return await db_session.scalar(
            select(CartItem.catalog_checked_at).where(CartItem.user_id == user.id)
        )

    first = await checked_at()
    await cart.view()
    assert await checked_at() == first  # nothing changed, nothing written
    catalog.put("RUN-42", price="54.90")
    await cart.view()
    assert await checked_at() != first
    stored = await db_session.scalar(select(CartItem.unit_price).where(CartItem.user_id == user.id))
    assert str(stored) == "54.90"


async def test_catalog_calls_carry_a_service_token_and_the_request_id(
    client: httpx.AsyncClient, catalog: FakeCatalog, shopper: Shopper, app: Any
) -> None:
    _, headers = shopper
    catalog.put("RUN-42")
    await CartApi(client, {**headers, "X-Request-ID": "trace-42"}).add("RUN-42")
    sent = catalog.route.calls.last.request
    assert sent.headers["X-Request-ID"] == "trace-42"
    scheme, token = sent.headers["Authorization"].split(" ")
    principal = app.state.token_verifier.verify(token)
    assert scheme == "Bearer"
    assert principal.role == "service"
    assert principal.subject == "service:identity-commerce"
