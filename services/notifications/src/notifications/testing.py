"""Helpers for tests in other places (e.g. the end-to-end checkout tests) that need to know
what notifications sent: read the sent log over HTTP and wait for messages to arrive.

    log = SentLogReader(notifications.url, tokens.service)
    messages = await log.wait_for(lambda ms: len(ms) >= 2, recipient="alice@example.com")
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

SentMessages = list[dict[str, Any]]


class SentLogReader:
    def __init__(self, base_url: str, token_provider: Callable[[], str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_provider = token_provider

    async def all(self, **filters: Any) -> SentMessages:
        """Every sent message matching the filters (type, recipient, event_id, channel),
        newest first, across all pages."""
        items: SentMessages = []
        page = 1
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
            while True:
                params = {k: v for k, v in filters.items() if v is not None}
                response = await client.get(
                    "/notifications",
                    params={**params, "page": page, "page_size": 100},
                    headers={"Authorization": f"Bearer {self.token_provider()}"},
                )
                response.raise_for_status()
                body = response.json()
                items += body["items"]
                if page * body["page_size"] >= body["total"]:
                    return items
                page += 1

    async def wait_for(
        self,
        done: Callable[[SentMessages], bool],
        *,
        within: float = 30.0,
        interval: float = 0.25,
        **filters: Any,
    ) -> SentMessages:
        """Poll until `done(messages)` is true; TimeoutError with the last result otherwise."""
        deadline = time.monotonic() + within
        while True:
            try:
                messages = await self.all(**filters)
            except httpx.TransportError:
                messages = []  # notifications may be (re)starting
            if done(messages):
                return messages
            if time.monotonic() > deadline:
                raise TimeoutError(f"sent log not as expected after {within}s: {messages!r}")
            await asyncio.sleep(interval)
