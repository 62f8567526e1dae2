"""GET /notifications: who may read the sent log, filters and paging."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from shopkit.testing.tokens import TokenFactory

from tests.factories import envelope


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post(client: httpx.AsyncClient, tokens: TokenFactory, body: dict) -> None:  # type: ignore[type-arg]
    response = await client.post("/notify", json=body, headers=bearer(tokens.service()))
    assert response.status_code == 202, response.text


async def test_no_token_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.get("/notifications")).status_code == 401


async def test_bad_tokens_are_401(
    client: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path
) -> None:
    for kind, token in tokens.bad_tokens(tmp_path).items():
        assert (await client.get("/notifications", headers=bearer(token))).status_code == 401, kind


async def test_customer_is_403(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    response = await client.get("/notifications", headers=bearer(tokens.customer()))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["admin", "service"])
async def test_admin_and_service_filter_by_recipient_and_type(
    client: httpx.AsyncClient, tokens: TokenFactory, role: str
) -> None:
    alice = f"alice-{uuid.uuid4().hex[:8]}@example.com"
    paid = envelope("ORDER_PAID", email=alice)
    shipped = envelope("ORDER_SHIPPED", email=alice, phone=None)
    other = envelope("ORDER_PAID")
    for body in (paid, shipped, other):
        await post(client, tokens, body)
    token = tokens.admin() if role == "admin" else tokens.service("catalog-fulfillment")

    # recipient match is case-insensitive
    response = await client.get(
        "/notifications", params={"recipient": alice.upper()}, headers=bearer(token)
    )
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2
    assert {i["event_id"] for i in page["items"]} == {paid["event_id"], shipped["event_id"]}
    newest = page["items"][0]
    assert newest["event_type"] == "ORDER_SHIPPED"  # newest first
    assert newest["channel"] == "email" and newest["provider"] == "file"
    assert "1Z999AA10123456784" in newest["body_text"]

    response = await client.get(
        "/notifications",
        params={"recipient": alice, "type": "ORDER_PAID"},
        headers=bearer(token),
    )
    [item] = response.json()["items"]
    assert item["event_id"] == paid["event_id"]
    assert item["subject"] == "Order SO-2026-000123 confirmed: payment received"

    by_event = await client.get(
        "/notifications", params={"event_id": paid["event_id"]}, headers=bearer(token)
    )
    assert sorted(i["channel"] for i in by_event.json()["items"]) == ["email", "sms"]
    sms_only = await client.get(
        "/notifications",
        params={"event_id": paid["event_id"], "channel": "sms"},
        headers=bearer(token),
    )
    assert [i["recipient"] for i in sms_only.json()["items"]] == ["+15550100"]


async def test_pages(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    who = f"pager-{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(5):
        await post(client, tokens, envelope("ORDER_DELIVERED", email=who, phone=None))
    seen: list[str] = []
    for page in (1, 2, 3):
        response = await client.get(
            "/notifications",
            params={"recipient": who, "page": page, "page_size": 2},
            headers=bearer(tokens.admin()),
        )
        body = response.json()
        assert (body["total"], body["page"], body["page_size"]) == (5, page, 2)
        seen += [i["id"] for i in body["items"]]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"type": "NOT_A_TYPE"},
        {"page": 0},
        {"page_size": 101},
        {"event_id": "nope"},
        {"channel": "pigeon"},
        {"recipient": ""},
    ],
)
async def test_bad_filters_are_422(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    params: dict,  # type: ignore[type-arg]
) -> None:
    response = await client.get("/notifications", params=params, headers=bearer(tokens.admin()))
    assert response.status_code == 422
