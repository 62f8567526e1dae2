"""The TTL cache of listing totals/facets: expiry, size bound and one computation per key
when many requests miss at once."""

from __future__ import annotations

import asyncio

from catalog_fulfillment.services.listing_cache import TtlCache


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
