"""The loop shared by the background jobs that work through due rows in rounds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


async def run_rounds(
    stop: asyncio.Event,
    one_round: Callable[[], Awaitable[int]],
    *,
    every_seconds: float,
    log: logging.Logger,
    failed: str,
    done: str,
    full_batch: int | None = None,
) -> None:
    """Run `one_round` (returns how many rows it handled) until `stop` is set, waiting
    `every_seconds` between rounds. A round that handled `full_batch` rows is followed at
    once: more are probably due. `failed` is logged with the traceback of a round that
    raised, `done` (a %d format) after a round that handled anything."""
    while not stop.is_set():
        try:
            handled = await one_round()
        except Exception:  # the database may be briefly down; keep going afterwards
            log.exception(failed)
            handled = 0
        if handled:
            log.info(done, handled)
        if full_batch is not None and handled >= full_batch:
            continue  # more are due; don't wait
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)
