"""Wiring of the outbox into a service: the relay background job that sends events to
notifications, and the admin routes to see failed events and retry them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from shopkit.auth import AdminPrincipal
from shopkit.db import SessionDep
from shopkit.errors import NotFound
from shopkit.http import make_client
from shopkit.outbox import (
    OutboxMixin,
    OutboxRelay,
    PermanentDeliveryError,
    retry_failed,
)
from shopkit.scopes import EVENTS_WRITE
from shopkit.settings import ServiceSettings
from shopkit.tokens import TokenSigner


class DeliveryRejected(Exception):
    """Notifications answered with a non-2xx status."""


class EventRefused(DeliveryRejected, PermanentDeliveryError):
    """Notifications refused the event itself (400/413/422): retrying cannot help."""


# Statuses that describe the event, not the moment: anything else (401/403 while keys
# propagate, 404 from a misrouted URL, 429, 5xx, timeouts) is worth another attempt.
PERMANENT_STATUSES = frozenset({400, 413, 422})


class NotificationsDeliverer:
    """POST each envelope to notifications' /notify with a fresh service token.

    2xx (including 202 `duplicate`) is delivered; 400/413/422 raise `EventRefused`, which
    the relay marks `failed` at once; any other answer or a transport error is one failed
    attempt, retried with backoff. Holds one pooled HTTP client; `aclose()` releases it."""

    def __init__(self, settings: ServiceSettings, signer: TokenSigner) -> None:
        self.client = make_client(
            settings.notifications_url,
            timeout=settings.http_timeout_seconds,
            token_provider=lambda: signer.service_token(
                settings.service_token_ttl_seconds, scopes=(EVENTS_WRITE,)
            ),
        )

    async def __call__(self, envelope: dict[str, Any]) -> None:
        response = await self.client.post("/notify", json=envelope)
        if response.status_code // 100 == 2:
            return
        reason = f"notifications answered {response.status_code}: {response.text[:500]}"
        if response.status_code in PERMANENT_STATUSES:
            raise EventRefused(reason)
        raise DeliveryRejected(reason)

    async def aclose(self) -> None:
        await self.client.aclose()


def notifications_deliverer(
    settings: ServiceSettings, signer: TokenSigner
) -> NotificationsDeliverer:
    """The relay's `deliver` callable for sending to notifications."""
    return NotificationsDeliverer(settings, signer)


def outbox_relay_job(model: type[OutboxMixin]):  # type: ignore[no-untyped-def]
    """Background job for `create_service_app(background_jobs=...)`."""

    async def job(app: FastAPI, stop: asyncio.Event) -> None:
        settings: ServiceSettings = app.state.settings
        if not settings.outbox_relay_enabled:
            return
        deliverer = notifications_deliverer(settings, app.state.token_signer)
        relay = OutboxRelay(
            sessionmaker=app.state.db.sessionmaker,
            model=model,
            deliver=deliverer,
            max_attempts=settings.outbox_max_attempts,
            backoff_base=settings.outbox_backoff_base_seconds,
            backoff_max=settings.outbox_backoff_max_seconds,
            poll_seconds=settings.outbox_poll_seconds,
        )
        app.state.outbox_relay = relay
        try:
            await relay.run_forever(stop)
        finally:
            await deliverer.aclose()

    return job


class OutboxEntry(BaseModel):
    id: uuid.UUID
    event_type: str
    aggregate_id: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    payload: dict[str, Any]


class OutboxPage(BaseModel):
    items: list[OutboxEntry]
    total: int


def outbox_admin_router(model: type[OutboxMixin]) -> APIRouter:
    router = APIRouter(prefix="/admin/outbox", tags=["admin: events"])

    @router.get("", response_model=OutboxPage, summary="Events by delivery status")
    async def list_outbox(
        session: SessionDep,
        _: AdminPrincipal,
        status: Literal["pending", "sent", "failed"] | None = None,
        limit: int = Query(50, ge=1, le=200),
    ) -> OutboxPage:
        query = select(model)
        count = select(func.count()).select_from(model)
        if status:
            query = query.where(model.status == status)
            count = count.where(model.status == status)
        rows = (await session.scalars(query.order_by(model.seq.desc()).limit(limit))).all()
        total = int(await session.scalar(count) or 0)
        return OutboxPage(
            items=[OutboxEntry.model_validate(r, from_attributes=True) for r in rows], total=total
        )

    @router.post(
        "/{event_id}/retry",
        response_model=OutboxEntry,
        summary="Queue a failed event again",
        responses={404: {"description": "No failed event with this id"}},
    )
    async def retry(
        event_id: uuid.UUID, session: SessionDep, _: AdminPrincipal, request: Request
    ) -> OutboxEntry:
        if not await retry_failed(session, model, event_id):
            raise NotFound("No failed event with this id")
        await session.flush()
        row = await session.get(model, event_id, populate_existing=True)
        relay: OutboxRelay | None = getattr(request.app.state, "outbox_relay", None)
        if relay is not None:
            relay.wake()
        return OutboxEntry.model_validate(row, from_attributes=True)

    return router
