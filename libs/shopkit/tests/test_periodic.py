"""shopkit.periodic.run_rounds: the loop every background job runs its rounds in."""

from __future__ import annotations

import asyncio
import logging

import pytest
from shopkit.periodic import run_rounds

log = logging.getLogger("test.periodic")


class Rounds:
    """A round that answers the next of `results` (raising an exception given as one) and
    sets `stop` once they are used up."""

    def __init__(self, stop: asyncio.Event, *results: object) -> None:
        self.stop, self.results, self.calls = stop, list(results), 0

    async def __call__(self) -> object:
        self.calls += 1
        result = self.results.pop(0)
        if not self.results:
            self.stop.set()
        if isinstance(result, Exception):
            raise result
        return result


async def run(rounds: Rounds, **kwargs: object) -> None:
    options: dict = {"every_seconds": 0.01, "log": log, "failed": "round failed"} | kwargs
    await asyncio.wait_for(run_rounds(rounds.stop, rounds, **options), timeout=5)


async def test_a_failed_round_is_logged_and_the_loop_goes_on(caplog) -> None:
    rounds = Rounds(asyncio.Event(), RuntimeError("database away"), 3)
    with caplog.at_level(logging.INFO, logger=log.name):
        await run(rounds, done="handled %d")
    assert rounds.calls == 2
    assert [r.getMessage() for r in caplog.records] == ["round failed", "handled 3"]
    assert caplog.records[0].exc_info is not None


async def test_what_a_round_did_is_logged_only_when_it_did_something(caplog) -> None:
    rounds = Rounds(asyncio.Event(), 0, {}, {"paid": 2})
    with caplog.at_level(logging.INFO, logger=log.name):
        await run(rounds, done="outcomes: %s")
    assert [r.getMessage() for r in caplog.records] == ["outcomes: {'paid': 2}"]


async def test_a_full_batch_is_followed_at_once_and_a_short_one_waits() -> None:
    stop = asyncio.Event()
    rounds = Rounds(stop, 10, 10, 4, 0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await run(rounds, every_seconds=0.2, full_batch=10)
    # Two full batches run back to back; only the short round (4) waits before the last one.
    assert rounds.calls == 4
    assert 0.2 <= loop.time() - started < 0.4


@pytest.mark.parametrize("wait_first", [False, True])
async def test_wait_first_puts_the_wait_before_the_first_round(wait_first: bool) -> None:
    stop = asyncio.Event()
    rounds = Rounds(stop, 1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await run(rounds, every_seconds=0.2, wait_first=wait_first)
    assert rounds.calls == 1
    assert (loop.time() - started >= 0.2) is wait_first


async def test_setting_stop_ends_the_wait_at_once_and_starts_no_round() -> None:
    stop = asyncio.Event()
    rounds = Rounds(stop, 1, 1)
    job = asyncio.create_task(
        run_rounds(stop, rounds, every_seconds=60, log=log, failed="x", wait_first=True)
    )
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(job, timeout=1)
    assert rounds.calls == 0
