"""Dependencies every service's `api/deps.py` builds on.

What a service opens at start-up (settings, clients, pools, caches) lives on `app.state`; a
route receives it through an Annotated dependency rather than reaching into the app:

    SettingsDep = Annotated[Settings, Depends(from_app_state("settings"))]

Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
dependency in its thread pool, a thread hand-off per dependency per request (under
checkouts that was 3% of identity-commerce's CPU for reading an attribute). A dependency
that blocks (file or CPU work) is the exception and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request


def from_app_state(name: str) -> Callable[[Request], Any]:
    """A dependency answering `request.app.state.<name>` (an AttributeError when start-up
    did not set it: a wiring mistake, not a request's fault)."""

    async def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    dependency.__name__ = f"app_state_{name}"
    return dependency
