"""catalog-fulfillment's stock and fulfillment endpoints, as checkout and orders use them.

Reserve, commit, release and restock are keyed (reservation id = order id, restock key), so
repeating them cannot do the work twice: they are retried on transport errors like GETs.
Transport failures and 5xx become `UpstreamUnavailable` (503 + Retry-After).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request
from shopkit.errors import Conflict
from shopkit.http import ServiceClient, UpstreamUnavailable, make_client
from shopkit.scopes import FULFILLMENTS_WRITE, INVENTORY_WRITE, REVIEWS_WRITE
from shopkit.settings import ServiceSettings


@dataclass(frozen=True)
class StockRequest:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Shortage:
    sku: str
    requested: int
    available: int

    def as_dict(self) -> dict[str, Any]:
        return {"sku": self.sku, "requested": self.requested, "available": self.available}


class OutOfStock(Conflict):
    def __init__(self, shortages: list[Shortage]) -> None:
        super().__init__(
            "Not enough stock for some items", shortages=[s.as_dict() for s in shortages]
        )
        self.shortages = shortages


class ReservationGone(Exception):
    """Commit refused: the hold was released or expired before the payment arrived."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Reservation:
    reservation_id: uuid.UUID
    status: str
    expires_at: datetime


@dataclass(frozen=True)
class Fulfillment:
    id: str
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    status: str
    shipped_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Fulfillment:
        def when(key: str) -> datetime | None:
            value = body.get(key)
            return datetime.fromisoformat(value) if value else None

        return cls(
            id=str(body["id"]),
            carrier=body.get("carrier"),
            tracking_number=body.get("tracking_number"),
            tracking_url=body.get("tracking_url"),
            status=str(body.get("status", "")),
            shipped_at=when("shipped_at"),
            delivered_at=when("delivered_at"),
        )


class InventoryClient(ServiceClient):
    service_name = "catalog-fulfillment"

    async def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.request("POST", path, json=body, idempotent=True)

    def _unexpected(self, response: httpx.Response) -> UpstreamUnavailable:
        return UpstreamUnavailable(
            self.service_name, f"unexpected {response.status_code}: {response.text[:200]}"
        )

    async def reserve(
        self, *, reservation_id: uuid.UUID, items: list[StockRequest], ttl_seconds: int
    ) -> Reservation:
        response = await self._post(
            "/inventory/reserve",
            {
                "reservation_id": str(reservation_id),
                "items": [{"sku": i.sku, "quantity": i.quantity} for i in items],
                "ttl_seconds": ttl_seconds,
            },
        )
        if response.status_code in (200, 201):
            body = response.json()
            return Reservation(
                reservation_id=uuid.UUID(body["reservation_id"]),
                status=body["status"],
                expires_at=datetime.fromisoformat(body["expires_at"]),
            )
        if response.status_code == 409:
            body = response.json()
            shortages = [
                Shortage(sku=s["sku"], requested=int(s["requested"]), available=int(s["available"]))
                for s in body.get("shortages", [])
            ]
            raise OutOfStock(shortages)
        raise self._unexpected(response)

    async def commit(self, reservation_id: uuid.UUID) -> None:
        response = await self._post("/inventory/commit", {"reservation_id": str(reservation_id)})
        if response.status_code == 200:
            return
        if response.status_code in (404, 409):
            raise ReservationGone(str(response.json().get("detail", "reservation not held")))
        raise self._unexpected(response)

    async def release(self, reservation_id: uuid.UUID) -> bool:
        """True when the stock is free again; False when there was nothing to release."""
        response = await self._post("/inventory/release", {"reservation_id": str(reservation_id)})
        if response.status_code == 200:
            return True
        if response.status_code in (404, 409):
            return False  # never reserved, or already committed (then it is not ours to free)
        raise self._unexpected(response)

    async def release_quietly(self, reservation_id: uuid.UUID) -> None:
        """Best effort after a failure: the catalog also frees expired holds by itself."""
        try:
            await self.release(reservation_id)
        except UpstreamUnavailable:
            pass

    async def restock(self, *, key: str, items: list[StockRequest]) -> None:
        response = await self._post(
            "/inventory/restock",
            {"key": key, "items": [{"sku": i.sku, "quantity": i.quantity} for i in items]},
        )
        if response.status_code != 200:
            raise self._unexpected(response)

    async def record_shipment(
        self, *, order_id: uuid.UUID, user_id: uuid.UUID, carrier: str, tracking_number: str
    ) -> Fulfillment:
        response = await self._post(
            "/fulfillments",
            {
                "order_id": str(order_id),
                "user_id": str(user_id),
                "carrier": carrier,
                "tracking_number": tracking_number,
            },
        )
        if response.status_code in (200, 201):
            return Fulfillment.from_json(response.json())
        raise self._unexpected(response)

    async def set_fulfillment_status(self, order_id: uuid.UUID, status: str) -> Fulfillment:
        response = await self._post(f"/fulfillments/{order_id}/status", {"status": status})
        if response.status_code == 200:
            return Fulfillment.from_json(response.json())
        raise self._unexpected(response)

    async def get_fulfillment(self, order_id: uuid.UUID) -> Fulfillment | None:
        response = await self.request("GET", f"/fulfillments/{order_id}")
        if response.status_code == 200:
            return Fulfillment.from_json(response.json())
        if response.status_code == 404:
            return None
        raise self._unexpected(response)


CATALOG_WRITE_SCOPES = (INVENTORY_WRITE, FULFILLMENTS_WRITE, REVIEWS_WRITE)


def build_inventory_client(settings: ServiceSettings, app: FastAPI) -> InventoryClient:
    """Client with a service token for the catalog's write routes (inventory refuses anything
    else): stock, shipments, and re-checking reviews after a refund. The signer reuses the
    token until shortly before it expires."""
    signer = app.state.token_signer
    return InventoryClient(
        make_client(
            settings.catalog_url,
            timeout=settings.http_timeout_seconds,
            token_provider=lambda: signer.service_token(
                settings.service_token_ttl_seconds, scopes=CATALOG_WRITE_SCOPES
            ),
        ),
        retries=settings.http_retries,
    )


def _inventory_client(request: Request) -> InventoryClient:
    client: InventoryClient = request.app.state.inventory_client
    return client


InventoryDep = Annotated[InventoryClient, Depends(_inventory_client)]
