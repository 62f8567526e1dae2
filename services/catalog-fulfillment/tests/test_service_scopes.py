"""Least privilege between services, against the real routes of a real process: a service
token moves stock only with `inventory:write`, which only identity-commerce may hold; the
catalog trusts only the keys it is configured to trust."""

from __future__ import annotations

import json
import uuid

import httpx
from shopkit.scopes import EVENTS_WRITE, INVENTORY_READ, INVENTORY_WRITE
from shopkit.testing import TokenFactory

from tests.factories import unique


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_notifications_token_cannot_reserve_or_restock(
    live_catalog, tokens: TokenFactory
) -> None:
    sku = unique("SCOPE")
    # Even configured to trust the notifications key, the catalog lets it hold no stock scope.
    catalog = await live_catalog(
        "scopes",
        {sku: 5},
        CATALOG_TRUSTED_SIGNERS=json.dumps(["identity-commerce", "notifications"]),
    )
    reserve = {"reservation_id": str(uuid.uuid4()), "items": [{"sku": sku, "quantity": 2}]}
    restock = {"key": f"restock-{uuid.uuid4()}", "items": [{"sku": sku, "quantity": 3}]}
    claims_everything = tokens.service(
        "notifications", scopes=[INVENTORY_WRITE, INVENTORY_READ, EVENTS_WRITE]
    )
    identity_without_the_scope = tokens.service("identity-commerce", scopes=[EVENTS_WRITE])
    async with httpx.AsyncClient(base_url=catalog.url, timeout=30) as client:
        for token in (claims_everything, identity_without_the_scope):
            for path, body in (("/inventory/reserve", reserve), ("/inventory/restock", restock)):
                answer = await client.post(path, json=body, headers=bearer(token))
                assert answer.status_code == 403, (path, answer.text)
                assert "inventory:write" in answer.json()["detail"]
            assert (
                await client.get(f"/inventory/{sku}", headers=bearer(claims_everything))
            ).status_code == 403

        reader = bearer(tokens.service("identity-commerce", scopes=[INVENTORY_READ]))
        level = (await client.get(f"/inventory/{sku}", headers=reader)).json()
        assert (level["on_hand"], level["reserved"]) == (5, 0)  # nothing moved

        writer = bearer(tokens.service("identity-commerce", scopes=[INVENTORY_WRITE]))
        assert (
            await client.post("/inventory/reserve", json=reserve, headers=writer)
        ).status_code == 201
        assert (
            await client.post("/inventory/restock", json=restock, headers=writer)
        ).status_code == 200
        level = (await client.get(f"/inventory/{sku}", headers=reader)).json()
        assert (level["on_hand"], level["reserved"]) == (8, 2)


async def test_keys_the_catalog_does_not_list_sign_nothing_it_accepts(
    live_catalog, tokens: TokenFactory
) -> None:
    """By default the catalog trusts identity-commerce's key only: the notifications and
    catalog keys lie in the same folder and are still refused."""
    catalog = await live_catalog("trust")
    body = {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "NOPE", "quantity": 1}]}
    async with httpx.AsyncClient(base_url=catalog.url, timeout=30) as client:
        for signer in ("notifications", "catalog-fulfillment"):
            token = tokens.service(signer, scopes=[INVENTORY_WRITE])
            answer = await client.post("/inventory/reserve", json=body, headers=bearer(token))
            assert answer.status_code == 401, signer
