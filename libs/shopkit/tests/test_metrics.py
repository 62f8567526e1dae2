"""`/metrics`: who may read it, what the request counters are labelled with, the pool gauges,
counting on commit, and probes that run at most once per interval."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from prometheus_client import Counter
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from shopkit.app import create_service_app
from shopkit.db import Database
from shopkit.metrics import (
    DB_POOL_IN_USE,
    DB_POOL_WAITING,
    add_probes,
    count_on_commit,
    gauge,
    metrics_allowed,
)
from shopkit.settings import ServiceSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from .conftest import KitSettings, Thing

TOKEN = "m" * 40


def things_router() -> APIRouter:
    router = APIRouter()

    @router.get("/things/{name}")
    async def read_thing(name: str) -> dict[str, str]:
        return {"name": name}

    return router


@pytest.fixture
async def app_factory(kit_settings: KitSettings) -> AsyncIterator[object]:
    opened: list[tuple[FastAPI, object]] = []

    async def make(**overrides: object) -> httpx.AsyncClient:
        settings = kit_settings.model_copy(update=overrides)
        app = create_service_app(
            settings, title="demo", description="demo", routers=[things_router()]
        )
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        opened.append((app, lifespan))
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://t")

    yield make
    for _, lifespan in reversed(opened):
        await lifespan.__aexit__(None, None, None)  # type: ignore[attr-defined]


def samples(body: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            found[(s.name, frozenset(s.labels.items()))] = s.value
    return found


async def test_open_in_test_without_a_token_and_counted_by_route_template(app_factory) -> None:  # type: ignore[no-untyped-def]
    http = await app_factory()
    for name in ("a", "b", "c"):
        assert (await http.get(f"/things/{name}")).status_code == 200
    assert (await http.get("/nowhere/at/all")).status_code == 404
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    by_route = {labels: v for (name, labels), v in found.items() if name == "http_requests_total"}
    template = frozenset({("method", "GET"), ("route", "/things/{name}"), ("status", "200")})
    assert by_route[template] >= 3
    unmatched = frozenset({("method", "GET"), ("route", "<unmatched>"), ("status", "404")})
    assert by_route[unmatched] >= 1
    assert not any(dict(labels)["route"].startswith("/things/a") for labels in by_route)
    assert ("db_pool_waiting", frozenset({("pool", "request")})) in found


async def test_with_a_token_only_its_bearer_may_read(app_factory) -> None:  # type: ignore[no-untyped-def]
    http = await app_factory(metrics_token=TOKEN)
    missing = await http.get("/metrics")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "http_requests_total" not in missing.text
    wrong = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN[:-1]}x"})
    assert wrong.status_code == 401
    basic = await http.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    right = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert "http_requests_total" in right.text


def test_production_without_a_token_is_closed() -> None:
    production = KitSettings.model_construct(env="production", metrics_token="")
    assert metrics_allowed(production, None) is None  # answered 404
    assert metrics_allowed(production, f"Bearer {TOKEN}") is None
    with_token = KitSettings.model_construct(env="production", metrics_token=TOKEN)
    assert metrics_allowed(with_token, f"Bearer {TOKEN}") is True
    assert metrics_allowed(with_token, None) is False


def test_production_refuses_a_short_token() -> None:
    with pytest.raises(ValidationError, match="METRICS_TOKEN is shorter than 32"):
        ServiceSettings(env="production", metrics_token="short")


async def test_probes_run_at_most_once_per_interval(app_factory) -> None:  # type: ignore[no-untyped-def]
    http = await app_factory()
    runs = 0

    async def probe(session: AsyncSession) -> Sequence[Metric]:
        nonlocal runs
        runs += 1
        value = await session.scalar(text("SELECT 41 + 1"))
        return [gauge("demo_answer", "The answer, read from the database", value)]

    app = http._transport.app  # type: ignore[attr-defined]
    add_probes(app, probe)
    first, second = await asyncio.gather(http.get("/metrics"), http.get("/metrics"))
    third = await http.get("/metrics")
    assert runs == 1
    for response in (first, second, third):
        assert samples(response.text)[("demo_answer", frozenset())] == 42


async def test_a_failing_probe_leaves_the_rest_served(app_factory) -> None:  # type: ignore[no-untyped-def]
    http = await app_factory()

    async def broken(session: AsyncSession) -> Sequence[Metric]:
        await session.execute(text("SELECT * FROM no_such_table"))
        return []

    add_probes(http._transport.app, broken)  # type: ignore[attr-defined]
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert "http_requests_total" in response.text


COMMITTED = Counter("test_committed_total", "Things counted on commit", ["kind"])


async def test_count_on_commit_counts_only_what_committed(database: Database) -> None:
    before = COMMITTED.labels("thing")._value.get()
    async with database.sessionmaker() as session:
        async with session.begin():
            session.add(Thing(name="kept"))
            count_on_commit(session, COMMITTED, kind="thing")
        assert COMMITTED.labels("thing")._value.get() == before + 1
        with pytest.raises(RuntimeError):
            async with session.begin():
                session.add(Thing(name="dropped"))
                count_on_commit(session, COMMITTED, kind="thing")
                raise RuntimeError("roll back")
        async with session.begin():
            pass  # a later commit must not count what was rolled back
    assert COMMITTED.labels("thing")._value.get() == before + 1


async def test_pool_gauges_follow_connections_in_use_and_waiting(database_url: str) -> None:
    db = Database(database_url, pool_size=1, max_overflow=0, pool_logging_name="gauged")
    in_use, waiting = DB_POOL_IN_USE.labels("gauged"), DB_POOL_WAITING.labels("gauged")
    try:
        assert (in_use._value.get(), waiting._value.get()) == (0, 0)
        async with db.engine.connect() as held:
            await held.execute(text("SELECT 1"))
            assert in_use._value.get() == 1

            async def second() -> None:
                async with db.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))

            queued = asyncio.create_task(second())
            for _ in range(100):
                if waiting._value.get() == 1:
                    break
                await asyncio.sleep(0.01)
            assert waiting._value.get() == 1
        await asyncio.wait_for(queued, 5)
        assert (in_use._value.get(), waiting._value.get()) == (0, 0)
    finally:
        await db.dispose()
