"""The one client for catalog-fulfillment: one connection pool, one service token, opened
and closed by the app's lifespan (`app.state.catalog_client`, the `CatalogDep` dependency).

Reads: `get_variants(skus)` learns the current price, name, activity and availability of
skus (checkout prices orders with it; never trust prices from the browser): `GET
/catalog/variants?skus=A,B`, up to 100 skus a call (longer lists are split).

Stock and shipments: reserve, commit, release and restock are keyed (reservation id = order
id, restock key), so repeating them cannot do the work twice: they are retried on transport
errors like GETs, and so is `reverify_reviews` (`POST /reviews/reverify`, after a refund).

Transport failures, 502/503/504 after the retries, and answers that are not the agreed shape
raise `shopkit.http.UpstreamUnavailable` (503 + Retry-After).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError
from shopkit.errors import Conflict
from shopkit.http import ServiceClient, UpstreamUnavailable, make_client
from shopkit.scopes import FULFILLMENTS_WRITE, INVENTORY_READ, INVENTORY_WRITE, REVIEWS_WRITE
from shopkit.settings import ServiceSettings
from shopkit.tokens import TokenSigner

log = logging.getLogger("identity_commerce.catalog")

MAX_SKUS_PER_CALL = 100


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


class RestockRefused(Exception):
    """The catalog refused the restock itself (unknown sku, key used for other items):
    asking again cannot help."""


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


class CatalogVariant(BaseModel):
    """One sellable sku as catalog-fulfillment describes it (docs/contracts.md)."""

    model_config = ConfigDict(extra="ignore")

    sku: str
    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    variant_name: str | None = None
    attributes: dict[str, Any] = {}
    price: Decimal
    currency: str = "USD"
    image_url: str | None = None
    active: bool
    available: int

    @property
    def display_name(self) -> str:
        """'Laptop 13" — 16 GB' (the product name alone when the variant adds nothing)."""
        if self.variant_name and self.variant_name != self.product_name:
            return f"{self.product_name} — {self.variant_name}"
        return self.product_name


class _VariantList(BaseModel):
    items: list[CatalogVariant]


MAX_PRODUCTS_PER_REVERIFY = 100


class ReverifyResult(BaseModel):
    """What `POST /reviews/reverify` reports (docs/contracts.md)."""

    model_config = ConfigDict(extra="ignore")

    rechecked: int
    unverified: int


class ReverifyRefused(Exception):
    """The catalog refused the request itself (422): asking again cannot help."""


class CatalogClient(ServiceClient):
    service_name = "catalog-fulfillment"

    async def get_variants(self, skus: Iterable[str]) -> dict[str, CatalogVariant]:
        """Variants by sku; unknown skus are simply absent from the result."""
        unique = list(dict.fromkeys(skus))
        found: dict[str, CatalogVariant] = {}
        for start in range(0, len(unique), MAX_SKUS_PER_CALL):
            batch = unique[start : start + MAX_SKUS_PER_CALL]
            response = await self.request(
                "GET", "/catalog/variants", params={"skus": ",".join(batch)}
            )
            if response.status_code != 200:
                log.warning("catalog answered %s to /catalog/variants", response.status_code)
                raise UpstreamUnavailable(self.service_name, f"HTTP {response.status_code}")
            try:
                page = _VariantList.model_validate_json(response.content)
            except ValidationError as exc:
                log.warning("catalog sent an unexpected /catalog/variants body: %s", exc)
                raise UpstreamUnavailable(self.service_name, "unexpected response") from exc
            wanted = set(batch)
            found.update({v.sku: v for v in page.items if v.sku in wanted})
        return found

    async def get_variant(self, sku: str) -> CatalogVariant | None:
        return (await self.get_variants([sku])).get(sku)

    async def reverify_reviews(
        self, *, user_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
    ) -> ReverifyResult:
        """Have the catalog re-check `user_id`'s reviews of these products (1..100 ids a call;
        longer lists are split). 422 raises ReverifyRefused; anything else that is not 200
        (the route not deployed yet included) is UpstreamUnavailable, to be tried again."""
        unique = [str(p) for p in dict.fromkeys(product_ids)]
        total = ReverifyResult(rechecked=0, unverified=0)
        for start in range(0, len(unique), MAX_PRODUCTS_PER_REVERIFY):
            response = await self.request(
                "POST",
                "/reviews/reverify",
                json={
                    "user_id": str(user_id),
                    "product_ids": unique[start : start + MAX_PRODUCTS_PER_REVERIFY],
                },
                idempotent=True,
            )
            if response.status_code == 422:
                raise ReverifyRefused(response.text[:500])
            if response.status_code != 200:
                raise UpstreamUnavailable(self.service_name, f"HTTP {response.status_code}")
            try:
                part = ReverifyResult.model_validate_json(response.content)
            except ValidationError as exc:
                raise UpstreamUnavailable(self.service_name, "unexpected response") from exc
            total = ReverifyResult(
                rechecked=total.rechecked + part.rechecked,
                unverified=total.unverified + part.unverified,
            )
        return total

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
        """Put units back on hand; the same key never adds twice (a replay answers 200)."""
        response = await self._post(
            "/inventory/restock",
            {"key": key, "items": [{"sku": i.sku, "quantity": i.quantity} for i in items]},
        )
        if response.status_code in (404, 409):  # unknown sku, key used for other items
            raise RestockRefused(f"{response.status_code}: {response.text[:300]}")
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

    async def aclose(self) -> None:
        await self.client.aclose()


# What identity-commerce does at the catalog: read variants and stock levels, hold and free
# stock, record shipments, have reviews checked again.
CATALOG_SCOPES = (INVENTORY_READ, INVENTORY_WRITE, FULFILLMENTS_WRITE, REVIEWS_WRITE)


def build_catalog_client(settings: ServiceSettings, signer: TokenSigner) -> CatalogClient:
    """The client with its service token; the signer reuses the token until shortly before
    it expires."""
    return CatalogClient(
        make_client(
            settings.catalog_url,
            timeout=settings.http_timeout_seconds,
            token_provider=lambda: signer.service_token(
                settings.service_token_ttl_seconds, scopes=CATALOG_SCOPES
            ),
        ),
        retries=settings.http_retries,
    )
