"""A small in-process TTL cache for the totals and facets of catalog listings.

Counting and bucketing every matching product costs far more than fetching one page of
them (100k rows vs. 20), and shoppers page through the same filter combinations again and
again, so the aggregate is kept for LISTING_CACHE_SECONDS. Items themselves are never
cached: prices, stock and archiving show up on the next request.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class TtlCache(Generic[T]):
    def __init__(self, *, ttl_seconds: float, max_entries: int = 2048) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._computing: dict[Hashable, asyncio.Lock] = {}

    def get(self, key: Hashable) -> T | None:
        if self.ttl <= 0:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, value = entry
        if time.monotonic() - stored_at > self.ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: T) -> None:
        if self.ttl <= 0:
            return
        self._entries[key] = (time.monotonic(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def get_or_compute(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The cached value, or compute it once: concurrent requests for a missing key wait
        for the first one instead of all running the same expensive aggregate."""
        cached = self.get(key)
        if cached is not None or self.ttl <= 0:
            return cached if cached is not None else await compute()
        lock = self._computing.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self.get(key)
            if cached is None:
                cached = await compute()
                self.put(key, cached)
        if not lock.locked():
            self._computing.pop(key, None)
        return cached

    def clear(self) -> None:
        self._entries.clear()
