"""The last use of a promo code under real concurrency: twenty shoppers (twenty client
addresses, 127.0.0.x) check out at once with one use left; exactly one order gets the
discount and the others are told 409 `used_up` at create time (docs/adr/0034). Each
request runs on its own pooled connection and commits, on a database of its own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from identity_commerce.models import Order, UserRole
from shopkit.testing import LiveService
from shopkit.testing.database import TestDatabases
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import func, select

from ..account_factories import address_body, auth
from .pricing_helpers import catalog, promotion_body, variant

SHOPPERS = 20
SHIRT = variant("SHIRT-M", "40.00", available=1000)


@dataclass
class CommittingShop:
    app: Any
    settings: Settings

    def client(self, address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://shop")


@pytest.fixture
async def committing_shop(
    test_databases: TestDatabases, settings: Settings, localstripe: LiveService
) -> AsyncIterator[CommittingShop]:
    url = test_databases.clone(f"promo_race_{uuid.uuid4().hex[:6]}")
    app = create_app(
        settings.model_copy(
            update={"database_url": url, "db_pool_size": 25, "stripe_api_base": localstripe.url}
        )
    )
    async with app.router.lifespan_context(app):
        app.state.stripe_gateway = StripeGateway.from_settings(app.state.settings)
        yield CommittingShop(app, app.state.settings)


async def signed_up(api: httpx.AsyncClient, name: str, tokens: TokenFactory) -> dict[str, str]:
    body = {"email": f"{name}-{uuid.uuid4().hex[:6]}@example.com", "password": "Racing-pass-1"}
    signup = await api.post("/auth/signup", json={**body, "first_name": name, "last_name": "R"})
    assert signup.status_code == 201, signup.text
    token = (await api.post("/auth/login", json=body)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def make_admin(shop: CommittingShop, tokens: TokenFactory) -> dict[str, str]:
    from identity_commerce.models import User

    async with shop.app.state.session_factory() as session:
        admin = User(
            email=f"admin-{uuid.uuid4().hex[:6]}@example.com",
            password_hash="x",
            first_name="A",
            last_name="D",
            role=UserRole.admin.value,
        )
        session.add(admin)
        await session.commit()
        return auth(tokens, admin)


async def test_twenty_checkouts_for_the_last_use_give_exactly_one_discount(
    committing_shop: CommittingShop, tokens: TokenFactory
) -> None:
    shop = committing_shop
    catalog_url = str(shop.settings.catalog_url)
    admin = await make_admin(shop, tokens)
    async with shop.client("127.0.0.1") as api:
        made = await api.post(
            "/admin/promotions", headers=admin, json=promotion_body("LAST1", usage_limit=1)
        )
        assert made.status_code == 201, made.text
    shoppers = []
    with catalog(catalog_url, SHIRT):
        for n in range(SHOPPERS):
            api = shop.client(f"127.0.0.{n + 2}")
            headers = await signed_up(api, f"shopper{n}", tokens)
            address = (await api.post("/addresses", headers=headers, json=address_body())).json()
            added = await api.post("/cart/items", headers=headers, json={"sku": "SHIRT-M"})
            applied = await api.post("/cart/promo", headers=headers, json={"code": "last1"})
            assert (added.status_code, applied.status_code) == (201, 200), applied.text
            shoppers.append((api, headers, address["id"]))

        async def check_out(
            api: httpx.AsyncClient, headers: dict[str, str], address: str
        ) -> httpx.Response:
            return await api.post(
                "/checkout/create-payment-intent",
                headers=headers,
                json={"shipping_address_id": address, "billing_address_id": address},
            )

        answers = await asyncio.gather(*(check_out(*s) for s in shoppers))
    for api, _, _ in shoppers:
        await api.aclose()

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (SHOPPERS - 1), [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"used_up"}
    winner = next(a.json() for a in answers if a.status_code == 201)
    assert winner["amount"] == "48.87"  # 40.00 - 4.00 + 8% of 36.00 (2.88) + 9.99
    async with shop.app.state.session_factory() as session:
        discounted = await session.scalar(
            select(func.count()).select_from(Order).where(Order.promo_code == "LAST1")
        )
    assert discounted == 1


async def test_guessing_codes_is_limited_per_cart_and_counts_wrong_guesses(
    committing_shop: CommittingShop, tokens: TokenFactory
) -> None:
    shop = committing_shop
    limit = shop.settings.promo_max_per_cart
    async with shop.client("127.0.0.50") as api:
        headers = await signed_up(api, "guesser", tokens)
        with catalog(str(shop.settings.catalog_url), SHIRT):
            answers = [
                (await api.post("/cart/promo", headers=headers, json={"code": f"G{i}"})).status_code
                for i in range(limit + 1)
            ]
    assert answers == [404] * limit + [429]
