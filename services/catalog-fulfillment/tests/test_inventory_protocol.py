"""Two-phase inventory in-process: reserve/commit/release/restock rules, auth and input."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from catalog_fulfillment.models import InventoryItem, OutboxMessage, Reservation
from catalog_fulfillment.services.inventory import expire_due_reservations
from shopkit.db import utcnow
from shopkit.testing import TokenFactory
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_product, stock_json, unique


def service(tokens: TokenFactory) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.service()}"}


async def stock_of(session: AsyncSession, sku: str) -> tuple[int, int]:
    item = await session.get(InventoryItem, sku, populate_existing=True)
    assert item is not None
    return item.on_hand, item.reserved


async def reserve(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    items: dict[str, int],
    reservation_id: uuid.UUID | None = None,
    **extra: object,
) -> httpx.Response:
    body = {
        "reservation_id": str(reservation_id or uuid.uuid4()),
        "items": [{"sku": s, "quantity": q} for s, q in items.items()],
        **extra,
    }
    return await client.post("/inventory/reserve", json=body, headers=service(tokens))


async def settle(
    client: httpx.AsyncClient, tokens: TokenFactory, action: str, reservation_id: uuid.UUID
) -> httpx.Response:
    """POST /inventory/commit or /inventory/release for one reservation."""
    return await client.post(
        f"/inventory/{action}",
        json={"reservation_id": str(reservation_id)},
        headers=service(tokens),
    )


async def test_reserve_holds_every_line(client, tokens, db_session) -> None:
    a, b = unique("A"), unique("B")
    await make_product(db_session, stock={a: 5, b: 3})
    rid = uuid.uuid4()
    response = await reserve(client, tokens, {a: 2, b: 3}, rid)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["reservation_id"] == str(rid)
    assert body["status"] == "reserved"
    assert sorted(body["items"], key=lambda i: i["sku"]) == [
        {"sku": a, "quantity": 2},
        {"sku": b, "quantity": 3},
    ]
    assert await stock_of(db_session, a) == (5, 2)
    assert await stock_of(db_session, b) == (3, 3)


async def test_reserve_default_and_custom_ttl(client, tokens, db_session) -> None:
    sku = unique("T")
    await make_product(db_session, stock={sku: 5})
    before = utcnow()
    default = (await reserve(client, tokens, {sku: 1})).json()
    custom = (await reserve(client, tokens, {sku: 1}, ttl_seconds=60)).json()
    from datetime import datetime

    default_at = datetime.fromisoformat(default["expires_at"])
    custom_at = datetime.fromisoformat(custom["expires_at"])
    assert timedelta(seconds=850) < default_at - before < timedelta(seconds=960)
    assert timedelta(seconds=50) < custom_at - before < timedelta(seconds=70)


async def test_reserve_is_all_or_nothing(client, tokens, db_session) -> None:
    a, b = unique("A"), unique("B")
    await make_product(db_session, stock={a: 5, b: 1})
    rid = uuid.uuid4()
    response = await reserve(client, tokens, {a: 2, b: 2}, rid)
    assert response.status_code == 409
    assert response.json()["shortages"] == [{"sku": b, "requested": 2, "available": 1}]
    assert await stock_of(db_session, a) == (5, 0)
    assert await stock_of(db_session, b) == (1, 0)
    assert await db_session.get(Reservation, rid) is None


async def test_unknown_and_archived_skus_are_shortages(client, tokens, db_session) -> None:
    archived = unique("OLD")
    await make_product(db_session, stock={archived: 9}, status="archived")
    ghost = unique("GHOST")
    response = await reserve(client, tokens, {archived: 1, ghost: 2})
    assert response.status_code == 409
    assert response.json()["shortages"] == sorted(
        [
            {"sku": archived, "requested": 1, "available": 0},
            {"sku": ghost, "requested": 2, "available": 0},
        ],
        key=lambda s: s["sku"],
    )


async def test_same_sku_twice_is_summed(client, tokens, db_session) -> None:
    sku = unique("S")
    await make_product(db_session, stock={sku: 5})
    body = {
        "reservation_id": str(uuid.uuid4()),
        "items": [{"sku": sku, "quantity": 2}, {"sku": sku, "quantity": 1}],
    }
    response = await client.post("/inventory/reserve", json=body, headers=service(tokens))
    assert response.status_code == 201
    assert response.json()["items"] == [{"sku": sku, "quantity": 3}]
    assert await stock_of(db_session, sku) == (5, 3)


async def test_replay_returns_first_result_and_holds_once(client, tokens, db_session) -> None:
    sku = unique("R")
    await make_product(db_session, stock={sku: 5})
    rid = uuid.uuid4()
    first = await reserve(client, tokens, {sku: 2}, rid)
    second = await reserve(client, tokens, {sku: 2}, rid)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert await stock_of(db_session, sku) == (5, 2)
    count = await db_session.scalar(
        select(Reservation.id).where(Reservation.id == rid).with_only_columns(Reservation.id)
    )
    assert count == rid


async def test_replay_with_other_items_conflicts(client, tokens, db_session) -> None:
    sku = unique("R")
    await make_product(db_session, stock={sku: 5})
    rid = uuid.uuid4()
    assert (await reserve(client, tokens, {sku: 2}, rid)).status_code == 201
    response = await reserve(client, tokens, {sku: 3}, rid)
    assert response.status_code == 409
    assert "different items" in response.json()["detail"]
    assert await stock_of(db_session, sku) == (5, 2)


@pytest.mark.parametrize(
    ("action", "held", "status", "left"),
    [
        pytest.param("commit", 2, "committed", (3, 0), id="commit-decrements"),
        pytest.param("release", 4, "released", (5, 0), id="release-gives-back"),
    ],
)
async def test_commit_and_release_take_effect_once(
    client, tokens, db_session, action: str, held: int, status: str, left: tuple[int, int]
) -> None:
    sku = unique(action.upper())
    await make_product(db_session, stock={sku: 5})
    rid = uuid.uuid4()
    await reserve(client, tokens, {sku: held}, rid)
    for _ in range(2):
        response = await settle(client, tokens, action, rid)
        assert response.status_code == 200
        assert response.json()["status"] == status
    assert await stock_of(db_session, sku) == left


async def test_commit_after_release_and_release_after_commit_conflict(
    client, tokens, db_session
) -> None:
    sku = unique("X")
    await make_product(db_session, stock={sku: 5})
    released, committed = uuid.uuid4(), uuid.uuid4()
    await reserve(client, tokens, {sku: 1}, released)
    await reserve(client, tokens, {sku: 1}, committed)
    await settle(client, tokens, "release", released)
    await settle(client, tokens, "commit", committed)

    late_commit = await settle(client, tokens, "commit", released)
    assert late_commit.status_code == 409
    assert late_commit.json()["status"] == "released"
    late_release = await settle(client, tokens, "release", committed)
    assert late_release.status_code == 409
    assert await stock_of(db_session, sku) == (4, 0)


async def test_commit_after_deadline_expires_and_conflicts(client, tokens, db_session) -> None:
    sku = unique("E")
    await make_product(db_session, stock={sku: 5})
    rid = uuid.uuid4()
    await reserve(client, tokens, {sku: 3}, rid)
    await db_session.execute(
        update(Reservation)
        .where(Reservation.id == rid)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    response = await settle(client, tokens, "commit", rid)
    assert response.status_code == 409
    assert response.json()["status"] == "expired"
    assert await stock_of(db_session, sku) == (5, 0)
    # Releasing an expired reservation is a harmless no-op.
    again = await settle(client, tokens, "release", rid)
    assert again.status_code == 200
    assert again.json()["status"] == "expired"
    assert await stock_of(db_session, sku) == (5, 0)


async def test_sweeper_expires_due_reservations_only(client, tokens, db_session) -> None:
    sku = unique("W")
    await make_product(db_session, stock={sku: 5})
    due, live = uuid.uuid4(), uuid.uuid4()
    await reserve(client, tokens, {sku: 2}, due)
    await reserve(client, tokens, {sku: 1}, live)
    await db_session.execute(
        update(Reservation)
        .where(Reservation.id == due)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    assert await expire_due_reservations(db_session) >= 1
    statuses = dict(
        (
            await db_session.execute(
                select(Reservation.id, Reservation.status).where(Reservation.id.in_([due, live]))
            )
        ).all()
    )
    assert statuses == {due: "expired", live: "reserved"}
    assert await stock_of(db_session, sku) == (5, 1)


async def test_unknown_reservation_is_404(client, tokens) -> None:
    for action in ("commit", "release"):
        response = await client.post(
            f"/inventory/{action}",
            json={"reservation_id": str(uuid.uuid4())},
            headers=service(tokens),
        )
        assert response.status_code == 404


async def test_low_stock_event_written_when_crossing_reorder_level(
    client, tokens, db_session
) -> None:
    sku = unique("LOW")
    product = await make_product(db_session, stock={sku: 10}, reorder_level=3)
    await reserve(client, tokens, {sku: 5})  # 5 left: above the level, no event
    await reserve(client, tokens, {sku: 3})  # 2 left: crossed
    await reserve(client, tokens, {sku: 1})  # 1 left: already low, no second event
    events = (
        await db_session.scalars(select(OutboxMessage).where(OutboxMessage.aggregate_id == sku))
    ).all()
    assert len(events) == 1
    envelope = events[0].payload
    assert envelope["type"] == "LOW_STOCK"
    assert envelope["source"] == "catalog-fulfillment"
    assert envelope["data"] == {
        "sku": sku,
        "product_id": str(product.id),
        "product_name": product.name,
        "available": 2,
        "on_hand": 10,
        "reorder_level": 3,
    }


async def test_restock_is_idempotent_by_key(client, tokens, db_session) -> None:
    sku = unique("RS")
    await make_product(db_session, stock={sku: 1})
    body = {"key": f"cancel:{uuid.uuid4()}", "items": [{"sku": sku, "quantity": 4}]}
    for _ in range(2):
        response = await client.post("/inventory/restock", json=body, headers=service(tokens))
        assert response.status_code == 200
        assert response.json() == {
            "key": body["key"],
            "status": "restocked",
            "items": body["items"],
        }
    assert await stock_of(db_session, sku) == (5, 0)
    other = {**body, "items": [{"sku": sku, "quantity": 1}]}
    conflict = await client.post("/inventory/restock", json=other, headers=service(tokens))
    assert conflict.status_code == 409


async def test_restock_unknown_sku_is_404(client, tokens) -> None:
    body = {"key": unique("k"), "items": [{"sku": unique("NOPE"), "quantity": 1}]}
    response = await client.post("/inventory/restock", json=body, headers=service(tokens))
    assert response.status_code == 404


async def test_read_stock_for_admin_and_service(client, tokens, db_session) -> None:
    sku = unique("G")
    await make_product(db_session, stock={sku: 7}, reorder_level=2)
    await reserve(client, tokens, {sku: 3})
    for token in (tokens.admin(), tokens.service()):
        response = await client.get(
            f"/inventory/{sku}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        assert response.json() == stock_json(
            sku, on_hand=7, reserved=3, available=4, reorder_level=2
        )
    missing = await client.get(f"/inventory/{unique('NO')}", headers=service(tokens))
    assert missing.status_code == 404
    assert (await client.get(f"/inventory/{sku}")).status_code == 401
    customer = await client.get(
        f"/inventory/{sku}", headers={"Authorization": f"Bearer {tokens.customer()}"}
    )
    assert customer.status_code == 403


PROTOCOL_CALLS = [
    (
        "/inventory/reserve",
        {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "A", "quantity": 1}]},
    ),
    ("/inventory/commit", {"reservation_id": str(uuid.uuid4())}),
    ("/inventory/release", {"reservation_id": str(uuid.uuid4())}),
    ("/inventory/restock", {"key": "k", "items": [{"sku": "A", "quantity": 1}]}),
]


@pytest.mark.parametrize(("path", "body"), PROTOCOL_CALLS)
async def test_protocol_needs_a_service_token(client, tokens, path, body, tmp_path: Path) -> None:
    assert (await client.post(path, json=body)).status_code == 401
    for role_token in (tokens.customer(), tokens.admin()):
        response = await client.post(
            path, json=body, headers={"Authorization": f"Bearer {role_token}"}
        )
        assert response.status_code == 403
    for name, bad in tokens.bad_tokens(tmp_path).items():
        response = await client.post(path, json=body, headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, name


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reservation_id": "not-a-uuid", "items": [{"sku": "A", "quantity": 1}]},
        {"reservation_id": str(uuid.uuid4()), "items": []},
        {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "A", "quantity": 0}]},
        {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "A", "quantity": -1}]},
        {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "", "quantity": 1}]},
        {
            "reservation_id": str(uuid.uuid4()),
            "items": [{"sku": "A", "quantity": 1}],
            "ttl_seconds": 0,
        },
        {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "A", "quantity": "two"}]},
        {"reservation_id": str(uuid.uuid4()), "items": [{"sku": "A", "quantity": 1}], "extra": 1},
    ],
)
async def test_reserve_rejects_bad_input(client, tokens, body) -> None:
    response = await client.post("/inventory/reserve", json=body, headers=service(tokens))
    assert response.status_code == 422


async def test_commit_and_restock_reject_bad_input(client, tokens) -> None:
    assert (
        await client.post("/inventory/commit", json={"reservation_id": 5}, headers=service(tokens))
    ).status_code == 422
    assert (
        await client.post(
            "/inventory/release",
            content=b"{not json",
            headers={**service(tokens), "Content-Type": "application/json"},
        )
    ).status_code == 422
    bad_restock = {"key": "", "items": [{"sku": "A", "quantity": 1}]}
    assert (
        await client.post("/inventory/restock", json=bad_restock, headers=service(tokens))
    ).status_code == 422


@pytest.mark.parametrize("action", ["reserve", "commit", "release", "restock"])
async def test_an_action_url_allows_post_only(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession, action: str
) -> None:
    # GET /inventory/commit is not the stock of a sku named "commit": 405, Allow: POST
    response = await client.get(f"/inventory/{action}", headers=service(tokens))
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    options = await client.options(f"/inventory/{action}", headers=service(tokens))
    assert (options.status_code, options.headers["allow"]) == (405, "POST")
    sku = unique("STOCK")
    await make_product(db_session, stock={sku: 3})
    stock = await client.get(f"/inventory/{sku}", headers=service(tokens))
    assert (stock.status_code, stock.json()["on_hand"]) == (200, 3)
