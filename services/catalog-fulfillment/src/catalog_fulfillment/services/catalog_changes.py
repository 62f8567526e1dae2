"""Listen for committed catalog writes (NOTIFY catalog_changed) and empty the read cache.

One dedicated connection per process (not from the request pool). The triggers of
migration 0005 send the scope of each change; PostgreSQL delivers it at commit to every
listener, so a write through any process or replica reaches every cache within
milliseconds. While the connection is down the cache is switched off (it neither answers
nor stores), and it starts empty each time the connection is back: a change committed in
between is never served stale.
"""

from __future__ import annotations

import asyncio
import logging

import psycopg
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from catalog_fulfillment.services.listing_cache import TtlCache

log = logging.getLogger(__name__)

CHANNEL = "catalog_changed"
# psycopg's notifies() returns after this long without a notification, so that a stop
# request or a dead connection is noticed.
POLL_SECONDS = 1.0
RETRY_MAX_SECONDS = 10.0


def libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(False)


async def listen(cache: TtlCache[object], url: str, stop: asyncio.Event) -> None:
    """Apply notifications to `cache` until `stop` is set or the connection fails."""
    # TCP keepalives: a silently dropped connection is noticed within about 25 s, and the
    # entries' expiry bounds what could be missed meanwhile.
    async with await psycopg.AsyncConnection.connect(
        url,
        autocommit=True,
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=5,
        keepalives_count=3,
        application_name="catalog-cache-listener",
    ) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        cache.clear()
        cache.accepting = True
        log.info("catalog cache: listening for %s", CHANNEL)
        try:
            while not stop.is_set():
                async for notification in conn.notifies(timeout=POLL_SECONDS):
                    cache.invalidate(notification.payload)
                # a cheap round trip: a broken connection raises here rather than never
                await conn.execute("SELECT 1")
        finally:
            cache.accepting = False
            cache.clear()


async def catalog_change_listener(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job: keep listening, reconnecting with backoff after a failure."""
    cache: TtlCache[object] = app.state.catalog_cache
    if cache.ttl <= 0:
        return  # caching is off: nothing to keep current
    url = libpq_url(app.state.settings.sqlalchemy_url)
    delay = 0.5
    while not stop.is_set():
        try:
            await listen(cache, url, stop)
            delay = 0.5
        except (psycopg.Error, OSError) as exc:
            log.warning("catalog cache: listener lost (%s); cache off until it is back", exc)
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            delay = min(delay * 2, RETRY_MAX_SECONDS)
