"""A real HTTP receiver on a free port, standing in for notifications in relay tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .serving import serving


@dataclass
class Receiver:
    """Answers 503 for the first `fail_first` requests (or always while `down`), and 422 to
    the events whose id is in `refused` (as notifications does for an event it cannot
    handle)."""

    fail_first: int = 0
    down: bool = False
    refused: set[str] = field(default_factory=set)
    calls: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    async def notify(self, request: Request) -> JSONResponse:
        self.calls += 1
        self.headers.append(dict(request.headers))
        if self.down or self.calls <= self.fail_first:
            return JSONResponse({"detail": "unavailable"}, status_code=503)
        envelope = await request.json()
        if envelope.get("event_id") in self.refused:
            return JSONResponse({"detail": "unknown event type"}, status_code=422)
        self.received.append(envelope)
        return JSONResponse({"status": "sent"}, status_code=202)


@contextmanager
def running_receiver(receiver: Receiver) -> Iterator[Receiver]:
    with serving(Starlette(routes=[Route("/notify", receiver.notify, methods=["POST"])])) as url:
        receiver.url = url
        yield receiver
