"""Costs on every request's path that the checkout profile found, kept from coming back.

docs/performance.md ("Checkout", what changed) has the profiles behind both checks.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from shopkit.services import registered_services


def _routes(node: Any, seen: set[int]) -> Iterator[APIRoute]:
    """Every APIRoute below an app, through included routers (`original_router` in FastAPI's
    include records) and mounts."""
    for route in getattr(node, "routes", None) or []:
        if id(route) in seen:
            continue
        seen.add(id(route))
        if isinstance(route, APIRoute):
            yield route
        for attribute in ("router", "original_router", "app"):
            inner = getattr(route, attribute, None)
            if inner is not None and inner is not node:
                yield from _routes(inner, seen)
        yield from _routes(route, seen)


def _runs_on_the_event_loop(call: Any) -> bool:
    target = call if inspect.isfunction(call) or inspect.ismethod(call) else call.__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def _thread_pool_dependencies(dependant: Dependant, path: str) -> Iterator[str]:
    for dependency in dependant.dependencies:
        if dependency.call is not None and not _runs_on_the_event_loop(dependency.call):
            name = getattr(dependency.call, "__qualname__", type(dependency.call).__name__)
            yield f"{path}: {dependency.call.__module__}.{name}"
        yield from _thread_pool_dependencies(dependency, path)


@pytest.mark.parametrize("service", registered_services(), ids=lambda s: s.name)
def test_no_route_sends_a_dependency_to_the_thread_pool(service: Any) -> None:
    """FastAPI runs a plain `def` dependency in its thread pool: one thread hand-off per
    dependency per request, 3% of identity-commerce's CPU under checkouts when the app-state
    readers were plain functions. Dependencies are `async def` (shopkit.deps)."""
    app = service.create_app()
    routes = list(_routes(app, set()))
    assert len(routes) > 5, f"{service.name}: the route walk found too few routes"
    offenders = [
        offender
        for route in routes
        for offender in _thread_pool_dependencies(route.dependant, route.path)
    ]
    assert offenders == []


def test_httpcore_finds_sniffio() -> None:
    """httpcore imports `sniffio` on every pool operation to learn the async library; when
    it is missing each call is a failed import that walks sys.path (4% of identity-commerce's
    CPU under checkouts). shopkit depends on it for that reason."""
    assert importlib.util.find_spec("sniffio") is not None
