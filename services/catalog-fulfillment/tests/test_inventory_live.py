"""The reserve/commit/release protocol over real HTTP against a real uvicorn process:
no oversell, no deadlock, expiry by the service's own sweeper."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import httpx
from shopkit.testing import TokenFactory

from tests.factories import unique


def service_headers(tokens: TokenFactory) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.service()}"}


async def stock(client: httpx.AsyncClient, sku: str, tokens: TokenFactory) -> dict[str, int]:
    response = await client.get(f"/inventory/{sku}", headers=service_headers(tokens))
    assert response.status_code == 200
    return response.json()


async def test_fifty_concurrent_reserves_never_oversell(live_catalog, tokens) -> None:
    sku = unique("HOT")
    catalog = await live_catalog("oversell", {sku: 10})
    headers = service_headers(tokens)
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=catalog.url, timeout=60, limits=limits) as client:

        async def one() -> httpx.Response:
            body = {"reservation_id": str(uuid.uuid4()), "items": [{"sku": sku, "quantity": 1}]}
            return await client.post("/inventory/reserve", json=body, headers=headers)

        responses = await asyncio.gather(*(one() for _ in range(50)))
        codes = Counter(r.status_code for r in responses)
        assert codes == {201: 10, 409: 40}
        for refused in (r for r in responses if r.status_code == 409):
            assert refused.json()["shortages"] == [{"sku": sku, "requested": 1, "available": 0}]
        level = await stock(client, sku, tokens)
        assert (level["on_hand"], level["reserved"], level["available"]) == (10, 10, 0)

        won = [r.json()["reservation_id"] for r in responses if r.status_code == 201]
        commits = await asyncio.gather(
            *(
                client.post("/inventory/commit", json={"reservation_id": rid}, headers=headers)
                for rid in won
            )
        )
        assert all(c.status_code == 200 for c in commits)
        level = await stock(client, sku, tokens)
        assert (level["on_hand"], level["reserved"]) == (0, 0)


async def test_opposite_order_reservations_do_not_deadlock(live_catalog, tokens) -> None:
    a, b = unique("A"), unique("B")
    catalog = await live_catalog("deadlock", {a: 1000, b: 1000})
    headers = service_headers(tokens)
    async with httpx.AsyncClient(base_url=catalog.url, timeout=60) as client:

        async def loop(order: list[str]) -> list[int]:
            codes = []
            for _ in range(25):
                rid = str(uuid.uuid4())
                body = {"reservation_id": rid, "items": [{"sku": s, "quantity": 1} for s in order]}
                codes.append(
                    (
                        await client.post("/inventory/reserve", json=body, headers=headers)
                    ).status_code
                )
                release = await client.post(
                    "/inventory/release", json={"reservation_id": rid}, headers=headers
                )
                codes.append(release.status_code)
            return codes

        results = await asyncio.gather(*(loop([a, b] if i % 2 else [b, a]) for i in range(6)))
        assert Counter(code for codes in results for code in codes) == {201: 150, 200: 150}
        for sku in (a, b):
            level = await stock(client, sku, tokens)
            assert (level["on_hand"], level["reserved"]) == (1000, 0)


async def test_expired_reservation_is_released_by_the_service(live_catalog, tokens) -> None:
    sku = unique("TTL")
    catalog = await live_catalog("expiry", {sku: 4}, RESERVATION_SWEEP_SECONDS="0.2")
    headers = service_headers(tokens)
    async with httpx.AsyncClient(base_url=catalog.url, timeout=30) as client:
        rid = str(uuid.uuid4())
        body = {"reservation_id": rid, "items": [{"sku": sku, "quantity": 3}], "ttl_seconds": 1}
        assert (
            await client.post("/inventory/reserve", json=body, headers=headers)
        ).status_code == 201
        assert (await stock(client, sku, tokens))["reserved"] == 3

        deadline = time.monotonic() + 10
        while (await stock(client, sku, tokens))["reserved"] != 0:
            assert time.monotonic() < deadline, "reservation was not released within 10 s"
            await asyncio.sleep(0.2)
        level = await stock(client, sku, tokens)
        assert (level["on_hand"], level["available"]) == (4, 4)
        # Nobody called release: the service expired it, so a late commit is refused.
        late = await client.post("/inventory/commit", json={"reservation_id": rid}, headers=headers)
        assert late.status_code == 409
        assert late.json()["status"] == "expired"


async def test_concurrent_replays_of_one_reservation_hold_once(live_catalog, tokens) -> None:
    sku = unique("DUP")
    catalog = await live_catalog("replay", {sku: 10})
    headers = service_headers(tokens)
    body = {"reservation_id": str(uuid.uuid4()), "items": [{"sku": sku, "quantity": 3}]}
    async with httpx.AsyncClient(base_url=catalog.url, timeout=60) as client:
        responses = await asyncio.gather(
            *(client.post("/inventory/reserve", json=body, headers=headers) for _ in range(10))
        )
        assert Counter(r.status_code for r in responses) == {201: 1, 200: 9}
        assert len({r.text for r in responses}) == 1  # every replay got the first answer
        level = await stock(client, sku, tokens)
        assert (level["on_hand"], level["reserved"]) == (10, 3)
        commits = await asyncio.gather(
            *(
                client.post(
                    "/inventory/commit",
                    json={"reservation_id": body["reservation_id"]},
                    headers=headers,
                )
                for _ in range(5)
            )
        )
        assert {c.status_code for c in commits} == {200}
        level = await stock(client, sku, tokens)
        assert (level["on_hand"], level["reserved"]) == (7, 0)
