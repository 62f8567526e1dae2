"""Background job that releases expired reservations without anyone calling the service."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from catalog_fulfillment.core.config import Settings
from catalog_fulfillment.services.inventory import expire_due_reservations

log = logging.getLogger("catalog_fulfillment.sweeper")


async def sweep_once(app: FastAPI) -> int:
    settings: Settings = app.state.settings
    async with app.state.db.sessionmaker() as session, session.begin():
        return await expire_due_reservations(session, limit=settings.reservation_sweep_batch)


async def reservation_sweeper_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Every RESERVATION_SWEEP_SECONDS, expire due reservations and free their stock."""
    settings: Settings = app.state.settings
    if not settings.reservation_sweeper_enabled:
        return
    while not stop.is_set():
        try:
            expired = await sweep_once(app)
        except Exception:  # the database may be briefly down; keep sweeping afterwards
            log.exception("reservation sweep failed")
            expired = 0
        if expired:
            log.info("expired %d reservations", expired)
        if expired >= settings.reservation_sweep_batch:
            continue  # more are due; don't wait
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.reservation_sweep_seconds)
