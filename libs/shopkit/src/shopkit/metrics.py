"""Prometheus metrics: `GET /metrics` on every service.

What is measured, and how it stays cheap:

- Requests: a counter by method, route template and status, and a latency histogram by
  method and route template, kept by a pure ASGI middleware (two dictionary lookups and two
  additions per request). The route template (`/orders/{order_id}`), never the raw path, is
  the label, so a client cannot create series by inventing URLs: unmatched paths share one.
- Connection pools: connections in use and callers waiting, per pool, kept by the pool itself
  (`MeasuredPool`, the engine's pool class).
- Business counters (checkout outcomes, webhooks, notifications, reservations expired) are
  declared by the services and counted where the thing happens; `count_on_commit` counts a
  change only once its transaction has committed.
- Backlogs read from the database (outbox pending/failed/oldest, reservations held) are
  `Probe`s: one cheap query each, run when `/metrics` is scraped, at most once every
  `PROBE_INTERVAL_SECONDS` per process however often it is scraped.

Several uvicorn workers: set `PROMETHEUS_MULTIPROC_DIR` to an empty folder before the
workers start (the container entry point and `scripts/stack.py` create and empty it); every
worker writes its values there and whichever worker answers the scrape adds them up.

Who may read it: when `METRICS_TOKEN` is set, only a caller sending
`Authorization: Bearer <METRICS_TOKEN>`; without a token it is open in development and test
and closed (404) in production. docs/operations.md has the scrape configuration.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util.queue import AsyncAdaptedQueue
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from shopkit.settings import ServiceSettings

log = logging.getLogger("shopkit.metrics")

MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
PROBE_INTERVAL_SECONDS = 5.0
UNMATCHED_ROUTE = "<unmatched>"

# Latency buckets from a fast cached read (5 ms) to a slow checkout against Stripe (10 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the request's arrival to the end of its response",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
# livesum: with several workers, the sum over the workers alive now.
DB_POOL_IN_USE = Gauge(
    "db_pool_connections_in_use",
    "Pooled database connections checked out now",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_WAITING = Gauge(
    "db_pool_waiting",
    "Callers waiting for a free pooled connection now",
    ["pool"],
    multiprocess_mode="livesum",
)


# --- connection pools ---------------------------------------------------------------------
class _WaitCountingQueue(AsyncAdaptedQueue[Any]):
    """The async pool's queue, counting callers that block on it (the pool is exhausted)."""

    pool_name = "request"

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if not block or not self.empty():
            return super().get(block, timeout)
        waiting = DB_POOL_WAITING.labels(pool=self.pool_name)
        waiting.inc()
        try:
            return super().get(block, timeout)
        finally:
            waiting.dec()


# SQLAlchemy names a pool's logger after its class: keep this one as quiet as SQLAlchemy's
# own (it would otherwise log "Pool recreating" and the like at INFO).
logging.getLogger(f"{__name__}.MeasuredPool").setLevel(logging.WARNING)


class MeasuredPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's async queue pool, keeping the in-use and waiting gauges. The label is the
    engine's `pool_logging_name` ("request" when unnamed); a recreated pool (after a
    database restart) keeps both its name and its listeners."""

    _queue_class = _WaitCountingQueue

    def __init__(self, creator: Any, **kw: Any) -> None:
        recreated = "_dispatch" in kw  # listeners come with the dispatch of the old pool
        super().__init__(creator, **kw)
        name = self._orig_logging_name or "request"
        self._pool.pool_name = name  # type: ignore[attr-defined]
        DB_POOL_WAITING.labels(pool=name)  # the series exists (at 0) before anyone waits
        if not recreated:
            in_use = DB_POOL_IN_USE.labels(pool=name)
            event.listen(self, "checkout", lambda *_: in_use.inc())
            event.listen(self, "checkin", lambda *_: in_use.dec())


# --- counting what committed --------------------------------------------------------------
_PENDING_COUNTS = "shopkit.metrics.pending"


def count_on_commit(
    session: AsyncSession | Session, counter: Counter, amount: float = 1.0, **labels: str
) -> None:
    """Add to `counter` when the session's transaction commits; nothing if it rolls back
    (a checkout that failed after deciding "paid" did not pay)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.setdefault(_PENDING_COUNTS, []).append((counter, labels, amount))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for counter, labels, amount in session.info.pop(_PENDING_COUNTS, ()):
        (counter.labels(**labels) if labels else counter).inc(amount)


@event.listens_for(Session, "after_rollback")
def _drop_uncommitted(session: Session) -> None:
    session.info.pop(_PENDING_COUNTS, None)


# --- requests -----------------------------------------------------------------------------
class RequestMetricsMiddleware:
    """Counts and times every HTTP request by its route template (pure ASGI: no copy of
    the body, nothing per request beyond the two metric updates)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts, the server answers 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            # The router put the matched route into the (shared) scope.
            route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
            method = scope["method"]
            HTTP_LATENCY.labels(method, route).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()


# --- backlogs read at scrape time ---------------------------------------------------------
Probe = Callable[[AsyncSession], Awaitable[Sequence[Metric]]]


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    """One unlabelled gauge for a probe's answer."""
    return GaugeMetricFamily(name, documentation, value=float(value))


class _ProbeResults:
    """The probes' last answer in this process, refreshed at most every interval; concurrent
    scrapes wait for one refresh instead of each running the queries."""

    def __init__(self, probes: list[Probe], interval: float) -> None:
        self.probes = probes
        self.interval = interval
        self.metrics: list[Metric] = []
        self.read_at = -float("inf")
        self.lock = asyncio.Lock()

    async def read(self, sessionmaker: async_sessionmaker[AsyncSession]) -> list[Metric]:
        if not self.probes:
            return []
        async with self.lock:
            if time.monotonic() - self.read_at >= self.interval:
                metrics: list[Metric] = []
                try:
                    async with sessionmaker() as session:
                        for probe in self.probes:
                            metrics.extend(await probe(session))
                except Exception as exc:  # the database may be down: serve the rest
                    log.warning("metrics probes failed: %s", exc.__class__.__name__)
                    metrics = []
                self.metrics, self.read_at = metrics, time.monotonic()
        return self.metrics


class _Fixed(Collector):
    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics = metrics

    def collect(self) -> list[Metric]:
        return self.metrics


# --- the route ----------------------------------------------------------------------------
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w*_(\d+)\.db$")


def _forget_dead_workers(folder: str) -> None:
    """A worker that died (and was replaced) must not keep counting in the live gauges."""
    for path in Path(folder).glob("gauge_live*.db"):
        found = _LIVE_GAUGE_FILE.match(path.name)
        if found is None:
            continue
        pid = int(found.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, folder)
        except PermissionError:
            pass  # alive, another user's


def render(extra: list[Metric]) -> bytes:
    folder = os.environ.get(MULTIPROCESS_DIR_ENV)
    if folder:
        _forget_dead_workers(folder)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(_Fixed(extra))
    return generate_latest(registry)


class _Default(Collector):
    """This process's own metrics (single-process mode)."""

    def collect(self) -> list[Metric]:
        return list(REGISTRY.collect())


def metrics_allowed(settings: ServiceSettings, authorization: str | None) -> bool | None:
    """True: serve. False: wrong or missing token (401). None: closed (404)."""
    token = settings.metrics_token
    if not token:
        return None if settings.is_production else True
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def install_metrics(app: FastAPI, settings: ServiceSettings) -> None:
    """The request middleware and `GET /metrics` (outside the OpenAPI document: it is for
    the scraper, not for clients). Services add their probes with `add_probes`."""
    app.add_middleware(RequestMetricsMiddleware)
    results = _ProbeResults([], PROBE_INTERVAL_SECONDS)
    app.state.metrics_probes = results

    async def metrics(request: Request) -> Response:
        allowed = metrics_allowed(settings, request.headers.get("authorization"))
        if allowed is None:
            return PlainTextResponse('{"detail":"Not Found"}', 404, media_type="application/json")
        if not allowed:
            return PlainTextResponse(
                '{"detail":"Not authenticated"}',
                401,
                headers={"WWW-Authenticate": "Bearer"},
                media_type="application/json",
            )
        extra = await results.read(request.app.state.db.sessionmaker)
        return Response(render(extra), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)


def add_probes(app: FastAPI, *probes: Probe) -> None:
    app.state.metrics_probes.probes.extend(probes)
