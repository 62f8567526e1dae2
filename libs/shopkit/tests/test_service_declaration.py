"""What a declaration promises: resources opened in order and closed in reverse after the
jobs stop, handed-in state left alone, references that say what they miss, and a start
order that puts dependencies first."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI
from shopkit.app import create_service_app
from shopkit.service import ServiceDeclaration, resolve
from shopkit.services import in_start_order, main

from .conftest import KitSettings


def recording(events: list[str], name: str):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[str]:
        events.append(f"open {name}")
        try:
            yield f"{name} value"
        finally:
            events.append(f"close {name}")

    return resource


async def test_resources_open_in_order_and_close_in_reverse_after_the_jobs_stop(
    kit_settings: KitSettings,
) -> None:
    events: list[str] = []

    async def job(app: FastAPI, stop: asyncio.Event) -> None:
        events.append(f"job sees {app.state.first} and {app.state.second}")
        await stop.wait()
        events.append("job stopped")

    app = create_service_app(
        kit_settings,
        title="kit",
        description="lifespan",
        routers=[],
        background_jobs=[job],
        resources={"first": recording(events, "first"), "second": recording(events, "second")},
    )
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0)  # let the job start
        assert app.state.first == "first value"
        assert app.state.db is not None  # the database is opened before any resource
    assert events == [
        "open first",
        "open second",
        "job sees first value and second value",
        "job stopped",
        "close second",
        "close first",
    ]
    assert not hasattr(app.state, "first")
    assert not hasattr(app.state, "db")


async def test_a_resource_handed_in_is_used_and_not_opened_or_closed(
    kit_settings: KitSettings,
) -> None:
    events: list[str] = []
    app = create_service_app(
        kit_settings,
        title="kit",
        description="handed in",
        routers=[],
        resources={"client": recording(events, "client")},
    )
    app.state.client = "the test's own client"
    async with app.router.lifespan_context(app):
        assert app.state.client == "the test's own client"
    assert events == []
    assert app.state.client == "the test's own client"


async def test_a_resource_that_fails_to_open_closes_the_ones_opened_before(
    kit_settings: KitSettings,
) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def broken(app: FastAPI) -> AsyncIterator[None]:
        raise RuntimeError("cannot open")
        yield  # pragma: no cover - never reached

    app = create_service_app(
        kit_settings,
        title="kit",
        description="failing start",
        routers=[],
        resources={"first": recording(events, "first"), "broken": broken},
    )
    with pytest.raises(RuntimeError, match="cannot open"):
        async with app.router.lifespan_context(app):
            pass  # pragma: no cover - startup fails
    assert events == ["open first", "close first"]


def test_a_reference_that_names_nothing_says_which() -> None:
    assert resolve("shopkit.service:ServiceDeclaration") is ServiceDeclaration
    with pytest.raises(ValueError, match="shopkit.app has no no_such_thing"):
        resolve("shopkit.app:no_such_thing")
    with pytest.raises(ValueError, match="is not 'package.module:attribute'"):
        resolve("shopkit.app")
    with pytest.raises(ModuleNotFoundError):
        resolve("shopkit.no_such_module:thing")


def declared(name: str, *depends_on: str) -> ServiceDeclaration:
    return ServiceDeclaration(
        name=name,
        port=9000,
        database_env=f"{name.upper().replace('-', '_')}_DATABASE_URL",
        description=name,
        depends_on=depends_on,
    )


def test_conventions_fill_what_is_not_declared() -> None:
    service = declared("gift-cards")
    assert service.title == "Gift Cards"
    assert service.package == "gift_cards"
    assert service.database == "gift_cards"
    assert service.settings == "gift_cards.core.config:Settings"
    assert service.models == "gift_cards.models:Base"
    assert service.routers == "gift_cards.api:routers"
    assert service.app_path == "gift_cards.main:create_app"
    assert service.env_prefix == "GIFT_CARDS"


def test_start_order_puts_dependencies_first_then_goes_by_name() -> None:
    services = [declared("c"), declared("a", "d"), declared("d"), declared("b", "a")]
    assert [s.name for s in in_start_order(services)] == ["c", "d", "a", "b"]


def test_start_order_refuses_a_cycle_and_an_unknown_dependency() -> None:
    with pytest.raises(ValueError, match=r"\['a', 'b'\]"):
        in_start_order([declared("a", "b"), declared("b", "a")])
    with pytest.raises(ValueError, match=r"\['a'\]"):
        in_start_order([declared("a", "nowhere")])


def test_the_service_list_is_the_registered_declarations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["list"])
    names = capsys.readouterr().out.split()
    assert names == ["catalog-fulfillment", "identity-commerce", "notifications"]
    main(["json"])
    described = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert described["identity-commerce"]["depends_on"] == ["catalog-fulfillment"]
    assert described["catalog-fulfillment"]["url_env"] == "CATALOG_URL"
    assert described["notifications"]["port"] == 8010
