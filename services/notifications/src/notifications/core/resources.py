"""What notifications holds for its whole life (the `resources` of its declaration,
service.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from notifications.clients import Notifier, build_notifier


@asynccontextmanager
async def open_notifier(app: FastAPI) -> AsyncIterator[Notifier]:
    """Built once (not per request); tests may swap it for a provider they control."""
    yield build_notifier(app.state.settings)
