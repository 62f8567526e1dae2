"""The catalog-fulfillment client's stock calls (clients/catalog.py): one outbound edge, simulated
with respx, for the answers the live tests cannot easily provoke."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
import respx
from identity_commerce.clients.catalog import (
    CatalogClient,
    OutOfStock,
    ReservationGone,
    StockRequest,
)
from shopkit.http import UpstreamUnavailable

BASE = "http://catalog.test"
ORDER = uuid.uuid4()


@pytest.fixture
def catalog() -> Iterator[respx.MockRouter]:
    """catalog-fulfillment's HTTP edge: each test mocks the routes it expects to be called."""
    with respx.mock(base_url=BASE) as router:
        yield router


@pytest.fixture
def inventory() -> CatalogClient:
    return CatalogClient(httpx.AsyncClient(base_url=BASE), retries=3, backoff_max=0.01)


def reserved(status: int = 201) -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "reservation_id": str(ORDER),
            "status": "reserved",
            "expires_at": "2026-11-21T08:00:00+00:00",
            "items": [{"sku": "A", "quantity": 1}],
        },
    )


async def test_reserve_sends_the_order_id_and_ttl(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    route = catalog.post("/inventory/reserve").mock(return_value=reserved())
    reservation = await inventory.reserve(
        reservation_id=ORDER, items=[StockRequest("A", 1)], ttl_seconds=960
    )
    assert reservation.reservation_id == ORDER
    assert reservation.expires_at.isoformat() == "2026-11-21T08:00:00+00:00"
    sent = route.calls.last.request
    assert sent.read() == (
        b'{"reservation_id":"'
        + str(ORDER).encode()
        + b'","items":[{"sku":"A","quantity":1}],"ttl_seconds":960}'
    )


async def test_reserve_replay_200_is_the_same_reservation(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/reserve").mock(return_value=reserved(200))
    reservation = await inventory.reserve(
        reservation_id=ORDER, items=[StockRequest("A", 1)], ttl_seconds=60
    )
    assert reservation.status == "reserved"


async def test_reserve_409_becomes_out_of_stock_with_shortages(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/reserve").mock(
        return_value=httpx.Response(
            409,
            json={
                "detail": "Not enough stock",
                "shortages": [{"sku": "A", "requested": 3, "available": 1}],
            },
        )
    )
    with pytest.raises(OutOfStock) as out:
        await inventory.reserve(reservation_id=ORDER, items=[StockRequest("A", 3)], ttl_seconds=60)
    assert out.value.status_code == 409
    assert out.value.body()["shortages"] == [{"sku": "A", "requested": 3, "available": 1}]


async def test_keyed_calls_are_retried_through_a_brief_outage(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    route = catalog.post("/inventory/commit").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.Response(503),
            httpx.Response(200, json={}),
        ]
    )
    await inventory.commit(ORDER)
    assert route.call_count == 3


async def test_a_lasting_outage_is_upstream_unavailable(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/reserve").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(UpstreamUnavailable) as down:
        await inventory.reserve(reservation_id=ORDER, items=[StockRequest("A", 1)], ttl_seconds=60)
    assert down.value.status_code == 503
    assert down.value.headers == {"Retry-After": "5"}


async def test_commit_after_release_or_expiry_is_reservation_gone(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/commit").mock(
        return_value=httpx.Response(
            409, json={"detail": "Reservation expired", "status": "expired"}
        )
    )
    with pytest.raises(ReservationGone):
        await inventory.commit(ORDER)


async def test_release_of_a_committed_or_unknown_reservation_is_not_an_error(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/release").mock(
        side_effect=[
            httpx.Response(409, json={"detail": "committed"}),
            httpx.Response(404, json={"detail": "x"}),
        ]
    )
    assert await inventory.release(ORDER) is False
    assert await inventory.release(ORDER) is False


async def test_release_quietly_swallows_an_outage(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/release").mock(side_effect=httpx.ConnectError("refused"))
    await inventory.release_quietly(ORDER)  # the catalog frees the hold at its expiry


async def test_an_unexpected_answer_is_treated_as_unavailable(
    catalog: respx.MockRouter, inventory: CatalogClient
) -> None:
    catalog.post("/inventory/restock").mock(return_value=httpx.Response(422, json={"detail": []}))
    with pytest.raises(UpstreamUnavailable):
        await inventory.restock(key="k", items=[StockRequest("A", 1)])


async def test_fulfillment_lookups(catalog: respx.MockRouter, inventory: CatalogClient) -> None:
    body = {
        "id": str(uuid.uuid4()),
        "order_id": str(ORDER),
        "carrier": "UPS",
        "tracking_number": "1Z",
        "tracking_url": "https://ups.example/1Z",
        "status": "shipped",
        "shipped_at": "2026-11-21T08:00:00+00:00",
        "in_transit_at": None,
        "delivered_at": None,
        "updated_at": "2026-11-21T08:00:00+00:00",
    }
    catalog.get(f"/fulfillments/{ORDER}").mock(
        side_effect=[httpx.Response(200, json=body), httpx.Response(404, json={"detail": "x"})]
    )
    found = await inventory.get_fulfillment(ORDER)
    assert found is not None and found.tracking_url == "https://ups.example/1Z"
    assert await inventory.get_fulfillment(ORDER) is None
