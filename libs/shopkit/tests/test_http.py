"""Outgoing calls: retries only where repeating is safe, request ids passed on."""

from __future__ import annotations

import httpx
import pytest
import respx
from shopkit.http import ServiceClient, UpstreamUnavailable, make_client
from shopkit.observability import request_id_var

BASE = "http://catalog.test"


def client() -> ServiceClient:
    c = ServiceClient(make_client(BASE, timeout=1.0), retries=3, backoff_max=0.01)
    c.service_name = "catalog-fulfillment"
    return c


@respx.mock
async def test_get_is_retried_on_503_until_it_succeeds() -> None:
    route = respx.get(f"{BASE}/inventory/A").mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})]
    )
    response = await client().request("GET", "/inventory/A")
    assert response.status_code == 200
    assert route.call_count == 3


@respx.mock
async def test_post_is_sent_once_and_reported_unavailable() -> None:
    route = respx.post(f"{BASE}/orders").mock(return_value=httpx.Response(503))
    with pytest.raises(UpstreamUnavailable) as caught:
        await client().request("POST", "/orders", json={})
    assert route.call_count == 1
    assert caught.value.status_code == 503
    assert caught.value.headers == {"Retry-After": "5"}


@respx.mock
async def test_keyed_post_may_be_retried_when_marked_idempotent() -> None:
    route = respx.post(f"{BASE}/inventory/reserve").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(201, json={})]
    )
    response = await client().request("POST", "/inventory/reserve", idempotent=True, json={})
    assert response.status_code == 201
    assert route.call_count == 2


@respx.mock
async def test_connection_refused_becomes_upstream_unavailable() -> None:
    route = respx.get(f"{BASE}/x").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(UpstreamUnavailable, match="catalog-fulfillment is unavailable"):
        await client().request("GET", "/x")
    assert route.call_count == 3


@respx.mock
async def test_client_errors_are_returned_not_retried() -> None:
    route = respx.get(f"{BASE}/x").mock(return_value=httpx.Response(409, json={"detail": "no"}))
    response = await client().request("GET", "/x")
    assert response.status_code == 409
    assert route.call_count == 1


@respx.mock
async def test_request_id_and_service_token_travel_downstream() -> None:
    route = respx.get(f"{BASE}/x").mock(return_value=httpx.Response(200))
    c = ServiceClient(make_client(BASE, token_provider=lambda: "tok"))
    token = request_id_var.set("rid-42")
    try:
        await c.request("GET", "/x")
    finally:
        request_id_var.reset(token)
    sent = route.calls.last.request
    assert sent.headers["X-Request-ID"] == "rid-42"
    assert sent.headers["Authorization"] == "Bearer tok"
