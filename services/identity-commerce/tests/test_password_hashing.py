"""Password hashing cannot starve the rest of the service: a pool of its own, at most one
hash per core at once, at lower CPU priority, and a bounded queue."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from identity_commerce.core.config import Argon2Cost, Settings
from identity_commerce.services.passwords import HashingBusy, PasswordHasher

# Slow enough that a burst is still running while the test looks (~20-50 ms per hash here).
MEDIUM = Argon2Cost(time_cost=2, memory_cost_kib=16_384, parallelism=1)


class Watched:
    """Wraps a hasher's `verify` to see which threads hash, how many at once, at what
    priority."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.threads: set[int] = set()
        self.niceness: set[int] = set()
        self.finished = 0
        original = hasher.verify

        def verify(password: str, stored_hash: str):  # type: ignore[no-untyped-def]
            with self.lock:
                self.running += 1
                self.peak = max(self.peak, self.running)
                self.threads.add(threading.get_ident())
                self.niceness.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            try:
                return original(password, stored_hash)
            finally:
                with self.lock:
                    self.running -= 1
                    self.finished += 1

        hasher.verify = verify  # type: ignore[method-assign]


async def test_a_burst_of_sign_ins_queues_in_its_own_small_low_priority_pool() -> None:
    hasher = PasswordHasher(MEDIUM, workers=2, queue_limit=100)
    stored = hasher.hash("Right-password-1")
    watched = Watched(hasher)
    own_niceness = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    try:
        burst = [
            asyncio.ensure_future(hasher.verify_async("Wrong-password-1", stored))
            for _ in range(12)
        ]
        await asyncio.sleep(0)  # the burst is submitted first
        # Other blocking work (the default thread pool) does not wait behind the burst.
        assert await asyncio.to_thread(lambda: "done") == "done"
        finished_meanwhile = watched.finished
        results = await asyncio.gather(*burst)
    finally:
        hasher.close()
    assert not any(r.ok for r in results)
    assert finished_meanwhile < 6, finished_meanwhile
    assert watched.peak <= 2
    assert len(watched.threads) <= 2
    assert watched.niceness == {min(own_niceness + 10, 19)}


async def test_past_the_queue_limit_a_sign_in_is_refused_at_once_with_retry_after() -> None:
    hasher = PasswordHasher(MEDIUM, workers=1, queue_limit=2)
    stored = hasher.hash("Right-password-1")
    gate = threading.Event()
    original = hasher.verify

    def held(password: str, stored_hash: str):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return original(password, stored_hash)

    hasher.verify = held  # type: ignore[method-assign]
    try:
        waiting = [
            asyncio.ensure_future(hasher.verify_async("Right-password-1", stored))
            for _ in range(3)  # one hashing, two in line
        ]
        await asyncio.sleep(0)
        with pytest.raises(HashingBusy) as refused:
            await hasher.verify_async("Right-password-1", stored)
        assert refused.value.status_code == 503
        assert refused.value.headers == {"Retry-After": "1"}
        gate.set()
        assert all(v.ok for v in await asyncio.gather(*waiting))
        # Once the line is short again, sign-ins are accepted.
        assert (await hasher.verify_async("Right-password-1", stored)).ok
    finally:
        gate.set()
        hasher.close()


def test_the_pool_has_one_thread_per_usable_core_by_default() -> None:
    settings = Settings(_env_file=None, env="test")  # type: ignore[call-arg]
    assert settings.password_hash_workers == 0
    hasher = PasswordHasher.from_settings(settings)
    try:
        assert hasher.workers == len(os.sched_getaffinity(0))
        assert hasher.queue_limit == 64
    finally:
        hasher.close()
