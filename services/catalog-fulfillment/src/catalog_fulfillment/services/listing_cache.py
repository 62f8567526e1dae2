"""The in-process cache of catalog reads, emptied by writes made through any process.

What is cached: listing totals and facets per filter combination, the order of search
results, rendered listing pages, products for their details, resolved categories. Each database
round trip costs a request about a third of a millisecond of CPU in the service alone
(docs/performance.md), and shoppers ask for the same pages again and again; a cached
answer costs what the framework costs.

Why it stays correct with several processes and replicas: PostgreSQL triggers on the
catalog tables send `NOTIFY catalog_changed, '<scope>'` in the writing transaction
(migration 0005), so every process hears of every committed write, whoever made it (admin
API, reviews, seeds, stock movements, SQL by hand), a few milliseconds after the commit.
The listener (services/catalog_changes.py) then drops the entries of that scope. Three
rules close the races:

- While the listener is not connected, the cache neither answers nor stores
  (`accepting` is false) and it is emptied when the listener (re)connects.
- A value computed while an invalidation arrived is not stored: `get_or_compute` notes the
  generation before computing and stores only if it is unchanged, so a read that started
  before a write cannot put the old state back after the write's notification.
- Every entry also expires after LISTING_CACHE_SECONDS, a backstop should a notification
  ever be lost.

Scopes (tags): `catalog` (products, variants, images, categories: everything depends on
it), `pages` (what listing pages and details show but totals do not: ratings, brand...),
`stock` (a sku went in or out of stock: the in-stock flags of pages, in-stock filters).
Product details keep only the product; their stock is read on every request.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

CATALOG = "catalog"
PAGES = "pages"
STOCK = "stock"
SCOPES = frozenset({CATALOG, PAGES, STOCK})


@dataclass
class _Entry(Generic[T]):
    stored_at: float
    value: T
    tags: frozenset[str]


class TtlCache(Generic[T]):
    def __init__(
        self, *, ttl_seconds: float, max_entries: int = 2048, accepting: bool = True
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        # False while writes made elsewhere could go unnoticed (invalidation feed down).
        self.accepting = accepting
        self.generation = 0  # bumped by every invalidation
        self._entries: OrderedDict[Hashable, _Entry[T]] = OrderedDict()
        self._by_tag: dict[str, set[Hashable]] = {}
        self._computing: dict[Hashable, asyncio.Lock] = {}

    @property
    def enabled(self) -> bool:
        return self.ttl > 0 and self.accepting

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> T | None:
        if not self.enabled:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry.stored_at > self.ttl:
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return entry.value

    def put(
        self,
        key: Hashable,
        value: T,
        *,
        tags: Iterable[str] = (CATALOG,),
        generation: int | None = None,
    ) -> None:
        """Store `value`; with `generation`, only if nothing was invalidated since then."""
        if not self.enabled or (generation is not None and generation != self.generation):
            return
        self._remove(key)
        entry = _Entry(time.monotonic(), value, frozenset(tags))
        self._entries[key] = entry
        for tag in entry.tags:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_entries:
            self._remove(next(iter(self._entries)))

    async def get_or_compute(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        *,
        tags: Iterable[str] | Callable[[T], Iterable[str]] = (CATALOG,),
    ) -> T:
        """The cached value, or compute it once: concurrent requests for a missing key wait
        for the first one instead of all running the same expensive query. `tags` may be
        a function of the value."""
        cached = self.get(key)
        if cached is not None:
            return cached
        if not self.enabled:
            return await compute()
        lock = self._computing.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self.get(key)
            if cached is None:
                generation = self.generation
                cached = await compute()
                self.put(
                    key,
                    cached,
                    tags=tags(cached) if callable(tags) else tags,
                    generation=generation,
                )
        if not lock.locked():
            self._computing.pop(key, None)
        return cached

    def invalidate(self, scope: str) -> None:
        """Drop every entry tagged with `scope` (an unknown scope drops everything)."""
        self.generation += 1
        if scope not in SCOPES:
            self.clear()
            return
        for key in list(self._by_tag.get(scope, ())):
            self._remove(key)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._by_tag.clear()

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]
