"""The catalog read cache: expiry, size bound, one computation per key when many requests
miss at once, invalidation by scope, and the two rules that keep it from serving a state
older than a write it has heard of (no store across an invalidation, off while deaf)."""

from __future__ import annotations

import asyncio

from catalog_fulfillment.services.listing_cache import CATALOG, PAGES, STOCK, TtlCache


async def test_concurrent_misses_compute_once() -> None:
    cache: TtlCache[int] = TtlCache(ttl_seconds=60)
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return 42

    results = await asyncio.gather(*(cache.get_or_compute("k", compute) for _ in range(20)))
    assert results == [42] * 20
    assert calls == 1
    assert await cache.get_or_compute("k", compute) == 42 and calls == 1


async def test_entries_expire_and_clear() -> None:
    cache: TtlCache[str] = TtlCache(ttl_seconds=0.05)
    cache.put("a", "x")
    assert cache.get("a") == "x"
    await asyncio.sleep(0.08)
    assert cache.get("a") is None
    cache.put("b", "y")
    cache.clear()
    assert cache.get("b") is None


def test_size_is_bounded_and_zero_ttl_disables() -> None:
    cache: TtlCache[int] = TtlCache(ttl_seconds=60, max_entries=2)
    for key in ("a", "b", "c"):
        cache.put(key, 1)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, 1, 1)
    off: TtlCache[int] = TtlCache(ttl_seconds=0)
    off.put("a", 1)
    assert off.get("a") is None


def test_invalidation_drops_only_the_entries_of_its_scope() -> None:
    cache: TtlCache[str] = TtlCache(ttl_seconds=60)
    cache.put("totals", "t", tags=(CATALOG,))
    cache.put("in-stock totals", "s", tags=(CATALOG, STOCK))
    cache.put("page", "p", tags=(CATALOG, PAGES, STOCK))
    cache.invalidate(STOCK)
    assert cache.get("totals") == "t"
    assert (cache.get("in-stock totals"), cache.get("page")) == (None, None)
    cache.put("page", "p", tags=(CATALOG, PAGES, STOCK))
    cache.invalidate(PAGES)
    assert (cache.get("totals"), cache.get("page")) == ("t", None)
    cache.invalidate("something new")  # an unknown scope empties everything
    assert len(cache) == 0


async def test_a_value_computed_across_an_invalidation_is_not_stored() -> None:
    cache: TtlCache[str] = TtlCache(ttl_seconds=60)
    started, release = asyncio.Event(), asyncio.Event()

    async def read_before_the_write() -> str:
        started.set()
        await release.wait()
        return "old"

    reading = asyncio.create_task(cache.get_or_compute("k", read_before_the_write))
    await started.wait()
    cache.invalidate(CATALOG)  # the write commits while the read is still running
    release.set()
    assert await reading == "old"  # that request answers what it read...
    assert cache.get("k") is None  # ...but the next one reads again

    async def read_after() -> str:
        return "new"

    assert await cache.get_or_compute("k", read_after) == "new"
    assert cache.get("k") == "new"


async def test_while_not_accepting_the_cache_neither_answers_nor_stores() -> None:
    cache: TtlCache[int] = TtlCache(ttl_seconds=60)
    cache.put("k", 1)
    cache.accepting = False  # the change listener lost its connection
    assert cache.get("k") is None
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        return 2

    assert await cache.get_or_compute("k", compute) == 2
    assert await cache.get_or_compute("k", compute) == 2 and calls == 2
    cache.clear()
    cache.accepting = True
    assert cache.get("k") is None
