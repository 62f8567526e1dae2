"""The loop of every background job that works through due rows in rounds.

A job runs a round, logs what it did, waits, and runs again until the app stops. Rules it
keeps for every job:

- A round that raises is logged with its traceback and the loop goes on: the database or an
  upstream service may be briefly away, and a background job must never take the app down.
- Stopping is prompt: the wait between rounds ends as soon as `stop` is set, and no round
  starts after it.
- A round that handled a whole batch is followed at once, since more rows are probably due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `stop`; whether it is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


async def run_rounds(
    stop: asyncio.Event,
    one_round: Callable[[], Awaitable[object]],
    *,
    every_seconds: float,
    log: logging.Logger,
    failed: str,
    done: str | None = None,
    full_batch: int | None = None,
    wait_first: bool = False,
) -> None:
    """Run `one_round` until `stop` is set, waiting `every_seconds` between rounds (and
    before the first one with `wait_first`, for clean-ups with nothing to do at start).

    `one_round` answers what it did: a count of rows, or a mapping of outcomes to counts.
    `done` (a %-format with one argument), if given, is logged after a round that did anything,
    `failed` with the traceback of a round that raised. A round whose count reached
    `full_batch` is followed at once."""
    if wait_first and await stopped_within(stop, every_seconds):
        return
    while not stop.is_set():
        try:
            handled = await one_round()
        except Exception:
            log.exception(failed)
            handled = 0
        if handled and done:
            log.info(done, handled)
        if full_batch is not None and isinstance(handled, int) and handled >= full_batch:
            continue
        if await stopped_within(stop, every_seconds):
            return
