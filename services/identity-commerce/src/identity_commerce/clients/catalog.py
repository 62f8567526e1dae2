"""Typed client for catalog-fulfillment's public catalog reads.

Use `CatalogClient.get_variants(skus)` to learn the current price, name, activity and
availability of skus (checkout prices orders with it; never trust prices from the browser).
It calls `GET /catalog/variants?skus=A,B` (up to 100 skus a call; longer lists are split),
retries transport failures and 502/503/504 with backoff (it is a GET), and raises
`shopkit.http.UpstreamUnavailable` (503 + Retry-After) when the catalog is down or answers
with something that is not the agreed shape.

On the app: `request.app.state.catalog_client` (the `CatalogDep` dependency).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, ValidationError
from shopkit.http import ServiceClient, UpstreamUnavailable, make_client
from shopkit.scopes import INVENTORY_READ
from shopkit.settings import ServiceSettings

log = logging.getLogger("identity_commerce.catalog")

MAX_SKUS_PER_CALL = 100


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

    async def aclose(self) -> None:
        await self.client.aclose()


def build_catalog_client(settings: ServiceSettings, app: FastAPI) -> CatalogClient:
    signer = app.state.token_signer
    return CatalogClient(
        make_client(
            settings.catalog_url,
            timeout=settings.http_timeout_seconds,
            token_provider=lambda: signer.service_token(
                settings.service_token_ttl_seconds, scopes=(INVENTORY_READ,)
            ),
        ),
        retries=settings.http_retries,
    )
