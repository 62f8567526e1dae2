"""Outgoing HTTP between services: timeouts, request-id propagation, service tokens, and
retries with backoff for idempotent calls only (a retried POST could charge or reserve twice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from shopkit.errors import ServiceUnavailable
from shopkit.observability import REQUEST_ID_HEADER, current_request_id
from shopkit.tracing import instrument_client

log = logging.getLogger("shopkit.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({502, 503, 504})


class UpstreamUnavailable(ServiceUnavailable):
    """The other service did not answer (connection refused, timeout, 502/503/504)."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is unavailable; try again shortly", retry_after=5)
        self.service = service
        self.reason = reason


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def make_client(
    base_url: str,
    *,
    timeout: float = 5.0,
    token_provider: Callable[[], str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient that adds X-Request-ID, the W3C traceparent of the current span and,
    when given, a fresh service token."""

    async def add_headers(request: httpx.Request) -> None:
        rid = current_request_id()
        if rid and REQUEST_ID_HEADER not in request.headers:
            request.headers[REQUEST_ID_HEADER] = rid
        if token_provider is not None and "Authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {token_provider()}"

    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
        event_hooks={"request": [add_headers]},
        transport=transport,
    )
    return instrument_client(client)


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError | _RetryableStatus)


class ServiceClient:
    """Base for typed clients: `await self.request(...)` with the retry policy applied."""

    service_name = "upstream"

    def __init__(
        self, client: httpx.AsyncClient, *, retries: int = 3, backoff_max: float = 2.0
    ) -> None:
        self.client = client
        self.retries = retries
        self.backoff_max = backoff_max

    async def request(
        self, method: str, url: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send once, or up to `retries` times when the call is idempotent.

        `idempotent` defaults to the HTTP method's semantics; pass True for a POST that is
        keyed (e.g. a reservation id), so repeating it cannot do the work twice.
        """
        method = method.upper()
        may_retry = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        attempts = self.retries if may_retry else 1
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(attempts),
                wait=wait_exponential_jitter(multiplier=0.1, max=self.backoff_max),
                retry=retry_if_exception(_is_transient),
                reraise=True,
            ):
                with attempt:
                    response = await self.client.request(method, url, **kwargs)
                    if response.status_code in RETRYABLE_STATUS:
                        raise _RetryableStatus(response)
                    return response
        except _RetryableStatus as exc:
            raise UpstreamUnavailable(self.service_name, str(exc)) from exc
        except httpx.TransportError as exc:
            log.warning("%s unreachable: %s %s: %r", self.service_name, method, url, exc)
            raise UpstreamUnavailable(self.service_name, repr(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover
