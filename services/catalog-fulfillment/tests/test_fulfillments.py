"""Fulfillments: created by a service when an order ships, readable by owner/admin/service,
status moves forward only."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def shipment(order_id: uuid.UUID, user_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    return {
        "order_id": str(order_id),
        "user_id": str(user_id),
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
        **overrides,
    }


async def ship(client, tokens, order_id=None, user_id=None, **overrides):
    order_id, user_id = order_id or uuid.uuid4(), user_id or uuid.uuid4()
    response = await client.post(
        "/fulfillments",
        json=shipment(order_id, user_id, **overrides),
        headers=bearer(tokens.service()),
    )
    return order_id, user_id, response


async def test_create_and_replay(client, tokens) -> None:
    order_id, user_id, first = await ship(client, tokens)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["order_id"] == str(order_id)
    assert (body["carrier"], body["status"]) == ("UPS", "shipped")
    assert body["tracking_url"] == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert body["shipped_at"] and body["delivered_at"] is None
    _, _, again = await ship(client, tokens, order_id, user_id, tracking_number="OTHER123")
    assert again.status_code == 200
    assert again.json() == body


async def test_unknown_carrier_has_no_tracking_link(client, tokens) -> None:
    _, _, response = await ship(client, tokens, carrier="Local Courier")
    assert response.json()["tracking_url"] is None


async def test_status_moves_forward_only(client, tokens) -> None:
    order_id, _, _ = await ship(client, tokens)
    url = f"/fulfillments/{order_id}/status"
    service, admin = bearer(tokens.service()), bearer(tokens.admin())
    in_transit = await client.post(url, json={"status": "in_transit"}, headers=service)
    assert in_transit.status_code == 200 and in_transit.json()["status"] == "in_transit"
    again = await client.post(url, json={"status": "in_transit"}, headers=admin)
    assert again.json()["in_transit_at"] == in_transit.json()["in_transit_at"]
    delivered = await client.post(url, json={"status": "delivered"}, headers=admin)
    assert delivered.status_code == 200
    assert delivered.json()["delivered_at"] is not None
    back = await client.post(url, json={"status": "shipped"}, headers=service)
    assert back.status_code == 409
    missing = await client.post(
        f"/fulfillments/{uuid.uuid4()}/status", json={"status": "delivered"}, headers=service
    )
    assert missing.status_code == 404


async def test_straight_to_delivered(client, tokens) -> None:
    order_id, _, _ = await ship(client, tokens)
    response = await client.post(
        f"/fulfillments/{order_id}/status",
        json={"status": "delivered"},
        headers=bearer(tokens.service()),
    )
    body = response.json()
    assert body["status"] == "delivered" and body["in_transit_at"] and body["delivered_at"]


async def test_read_by_owner_admin_and_service_only(client, tokens) -> None:
    order_id, user_id, created = await ship(client, tokens)
    for token in (tokens.customer(user_id=user_id), tokens.admin(), tokens.service()):
        response = await client.get(f"/fulfillments/{order_id}", headers=bearer(token))
        assert response.status_code == 200
        assert response.json() == created.json()
    stranger = await client.get(f"/fulfillments/{order_id}", headers=bearer(tokens.customer()))
    assert stranger.status_code == 404
    assert (await client.get(f"/fulfillments/{order_id}")).status_code == 401
    unknown = await client.get(f"/fulfillments/{uuid.uuid4()}", headers=bearer(tokens.admin()))
    assert unknown.status_code == 404
    assert (
        await client.get("/fulfillments/nope", headers=bearer(tokens.admin()))
    ).status_code == 422


async def test_roles(client, tokens, tmp_path: Path) -> None:
    order_id, _, _ = await ship(client, tokens)
    body = shipment(uuid.uuid4(), uuid.uuid4())
    assert (await client.post("/fulfillments", json=body)).status_code == 401
    for token in (tokens.customer(), tokens.admin()):
        assert (
            await client.post("/fulfillments", json=body, headers=bearer(token))
        ).status_code == 403
    status_url = f"/fulfillments/{order_id}/status"
    assert (await client.post(status_url, json={"status": "delivered"})).status_code == 401
    customer = await client.post(
        status_url, json={"status": "delivered"}, headers=bearer(tokens.customer())
    )
    assert customer.status_code == 403
    for name, bad in tokens.bad_tokens(tmp_path).items():
        assert (
            await client.post("/fulfillments", json=body, headers=bearer(bad))
        ).status_code == 401, name
        assert (
            await client.get(f"/fulfillments/{order_id}", headers=bearer(bad))
        ).status_code == 401, name


@pytest.mark.parametrize(
    "changes",
    [
        {"order_id": "x"},
        {"user_id": None},
        {"carrier": ""},
        {"tracking_number": ""},
        {"tracking_number": "<script>"},
        {"tracking_number": "x" * 121},
        {"extra": 1},
    ],
)
async def test_create_rejects_bad_input(client, tokens, changes) -> None:
    body = {**shipment(uuid.uuid4(), uuid.uuid4()), **changes}
    response = await client.post("/fulfillments", json=body, headers=bearer(tokens.service()))
    assert response.status_code == 422


async def test_status_rejects_bad_input(client, tokens) -> None:
    order_id, _, _ = await ship(client, tokens)
    for body in ({}, {"status": "lost"}, {"status": "delivered", "note": "x"}):
        response = await client.post(
            f"/fulfillments/{order_id}/status", json=body, headers=bearer(tokens.service())
        )
        assert response.status_code == 422
