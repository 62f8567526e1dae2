"""The cart against the real catalog-fulfillment, running as a second process.

The catalog gets its own throwaway database (its own migrations) and its products are made
through its admin API, exactly as an admin would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from identity_commerce.clients.catalog import build_catalog_client
from identity_commerce.models import CartItem
from shopkit.testing.accounts import directory_server
from shopkit.testing.live import LiveService
from shopkit.testing.plugin import LiveProcesses
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import auth, make_user


@pytest.fixture
def account_directory(tokens: TokenFactory) -> Iterator[str]:
    """The catalog asks identity-commerce about the admin behind each admin token; the
    identity app here runs in-process, so a stand-in answers for the tokens `tokens` mints."""
    with directory_server(tokens) as url:
        yield url


@pytest.fixture
def live_catalog(
    live_processes: LiveProcesses, catalog_database: str, app: Any, account_directory: str
) -> LiveService:
    catalog = live_processes.start(
        "catalog",
        "catalog_fulfillment.main:create_app",
        env={
            "CATALOG_DATABASE_URL": catalog_database,
            "IDENTITY_URL": account_directory,
            "OUTBOX_RELAY_ENABLED": "false",
            "LISTING_CACHE_SECONDS": "0",
        },
    )
    # Point the in-process identity app's catalog client at the live process.
    settings = app.state.settings.model_copy(update={"catalog_url": catalog.url, "http_retries": 2})
    app.state.catalog_client = build_catalog_client(settings, app.state.token_signer)
    return catalog


def create_product(
    catalog: LiveService, tokens: TokenFactory, variants: list[dict[str, Any]]
) -> str:
    admin = {"Authorization": f"Bearer {tokens.admin()}"}
    with httpx.Client(base_url=catalog.url, headers=admin, timeout=10) as api:
        category = api.post("/admin/categories", json={"name": f"Shoes {uuid.uuid4().hex[:6]}"})
        assert category.status_code == 201, category.text
        product = api.post(
            "/admin/products",
            json={
                "name": "Trail Runner",
                "description": "Light shoe for rough paths.",
                "category_id": category.json()["id"],
                "variants": variants,
            },
        )
        assert product.status_code == 201, product.text
        return str(product.json()["id"])


def admin_call(
    catalog: LiveService, tokens: TokenFactory, method: str, path: str, **kw: Any
) -> None:
    admin = {"Authorization": f"Bearer {tokens.admin()}"}
    response = httpx.request(method, catalog.url + path, headers=admin, timeout=10, **kw)
    assert response.status_code < 300, response.text


async def test_cart_against_the_real_catalog(
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    tokens: TokenFactory,
    live_catalog: LiveService,
) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    runner, sold_out = f"RUN-{suffix}", f"RUN-GONE-{suffix}"
    product_id = create_product(
        live_catalog,
        tokens,
        [
            {"sku": runner, "name": "Size 42", "price": "59.90", "on_hand": 3},
            {"sku": sold_out, "name": "Size 43", "price": "59.90", "on_hand": 0},
        ],
    )
    user = await make_user(db_session)
    headers = auth(tokens, user)

    added = await client.post("/cart/items", headers=headers, json={"sku": runner, "quantity": 2})
    assert added.status_code == 201, added.text
    assert added.json()["unit_price"] == "59.90"
    assert added.json()["product_id"] == product_id
    assert "Trail Runner" in added.json()["name"]

    merged_too_far = await client.post(
        "/cart/items", headers=headers, json={"sku": runner, "quantity": 2}
    )
    assert merged_too_far.status_code == 409
    assert merged_too_far.json()["shortages"] == [{"sku": runner, "requested": 4, "available": 3}]
    merged = await client.post("/cart/items", headers=headers, json={"sku": runner, "quantity": 1})
    assert merged.status_code == 201 and merged.json()["quantity"] == 3

    unknown = await client.post("/cart/items", headers=headers, json={"sku": f"NOPE-{suffix}"})
    assert unknown.status_code == 404
    none_left = await client.post("/cart/items", headers=headers, json={"sku": sold_out})
    assert none_left.status_code == 409

    # Stock falls under the cart's quantity: the line is flagged, not dropped.
    admin_call(live_catalog, tokens, "PUT", f"/admin/inventory/{runner}", json={"on_hand": 1})
    cart = (await client.get("/cart", headers=headers)).json()
    assert cart["refreshed"] is True
    assert [(i["sku"], i["quantity"], i["available"]) for i in cart["items"]] == [
        (runner, 3, False)
    ]
    assert cart["items"][0]["available_quantity"] == 1

    # Archived products cannot be added any more.
    admin_call(live_catalog, tokens, "POST", f"/admin/products/{product_id}/archive")
    archived = await client.post("/cart/items", headers=headers, json={"sku": runner})
    assert archived.status_code == 404

    # Catalog stopped: writes answer 503 and change nothing; reads show the stored lines.
    live_catalog.stop()
    down = await client.post("/cart/items", headers=headers, json={"sku": runner, "quantity": 1})
    assert down.status_code == 503
    assert int(down.headers["Retry-After"]) > 0
    rows = (await db_session.scalars(select(CartItem).where(CartItem.user_id == user.id))).all()
    assert [(r.sku, r.quantity) for r in rows] == [(runner, 3)]
    stale = (await client.get("/cart", headers=headers)).json()
    assert stale["refreshed"] is False
    assert stale["items"][0]["unit_price"] == "59.90"
