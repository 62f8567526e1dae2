"""Outgoing calls: retries only where repeating is safe, request ids passed on."""

from __future__ import annotations

from typing import Any

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
@pytest.mark.parametrize(
    ("method", "path", "answers", "options", "status", "calls"),
    [
        pytest.param(
            "GET",
            "/inventory/A",
            [httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})],
            {},
            200,
            3,
            id="get-is-retried-on-503-until-it-succeeds",
        ),
        pytest.param(
            "POST",
            "/inventory/reserve",
            [httpx.ConnectError("refused"), httpx.Response(201, json={})],
            {"idempotent": True, "json": {}},
            201,
            2,
            id="keyed-post-may-be-retried-when-marked-idempotent",
        ),
        pytest.param(
            "GET",
            "/x",
            [httpx.Response(409, json={"detail": "no"})],
            {},
            409,
            1,
            id="client-errors-are-returned-not-retried",
        ),
    ],
)
async def test_the_answer_comes_back_after_the_retries_that_are_safe(
    method: str,
    path: str,
    answers: list[httpx.Response | Exception],
    options: dict[str, Any],
    status: int,
    calls: int,
) -> None:
    route = respx.route(method=method, url=f"{BASE}{path}").mock(side_effect=answers)
    response = await client().request(method, path, **options)
    assert response.status_code == status
    assert route.call_count == calls


@respx.mock
async def test_post_is_sent_once_and_reported_unavailable() -> None:
    route = respx.post(f"{BASE}/orders").mock(return_value=httpx.Response(503))
    with pytest.raises(UpstreamUnavailable) as caught:
        await client().request("POST", "/orders", json={})
    assert route.call_count == 1
    assert caught.value.status_code == 503
    assert caught.value.headers == {"Retry-After": "5"}


@respx.mock
async def test_connection_refused_becomes_upstream_unavailable() -> None:
    route = respx.get(f"{BASE}/x").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(UpstreamUnavailable, match="catalog-fulfillment is unavailable"):
        await client().request("GET", "/x")
    assert route.call_count == 3


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
