"""Background job that releases expired reservations without anyone calling the service."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from shopkit.periodic import run_rounds

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
    await run_rounds(
        stop,
        lambda: sweep_once(app),
        every_seconds=settings.reservation_sweep_seconds,
        log=log,
        failed="reservation sweep failed",
        done="expired %d reservations",
        full_batch=settings.reservation_sweep_batch,
    )
