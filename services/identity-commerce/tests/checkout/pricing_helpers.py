"""A catalog stand-in (respx) and the bodies the promotion and shipping tests share."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import respx


def variant(sku: str, price: str, available: int = 100) -> dict[str, Any]:
    return {
        "sku": sku,
        "variant_id": str(uuid.uuid4()),
        "product_id": str(uuid.uuid4()),
        "product_name": f"Product {sku}",
        "variant_name": "One size",
        "attributes": {},
        "price": price,
        "currency": "USD",
        "image_url": None,
        "active": True,
        "available": available,
    }


@contextmanager
def catalog(catalog_url: str, *variants: dict[str, Any]) -> Iterator[respx.MockRouter]:
    """The catalog's variant read and stock reservation, answered as catalog-fulfillment
    does; everything else (Stripe on localhost) passes through."""
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{catalog_url}/catalog/variants").mock(
            return_value=httpx.Response(200, json={"items": list(variants)})
        )

        def reserved(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content)
            expires = datetime.now(UTC) + timedelta(seconds=body["ttl_seconds"])
            return httpx.Response(
                201,
                json={
                    "reservation_id": body["reservation_id"],
                    "status": "held",
                    "expires_at": expires.isoformat(),
                },
            )

        router.post(f"{catalog_url}/inventory/reserve").mock(side_effect=reserved)
        router.post(f"{catalog_url}/inventory/release").mock(
            return_value=httpx.Response(200, json={})
        )
        router.route().pass_through()  # Stripe: the real localstripe
        yield router


def promotion_body(code: str, **overrides: Any) -> dict[str, Any]:
    return {"code": code, "kind": "percent", "value": "10", "active": True, **overrides}


def iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()
