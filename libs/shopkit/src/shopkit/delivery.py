"""Wiring of the outbox into a service: the relay background job that sends events to
notifications, the retention job that deletes sent events, the admin routes to see events,
retry a failed one or discard it, and the backlog gauges of `/metrics`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from opentelemetry.trace import SpanKind
from prometheus_client.core import Metric
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkit.auth import AdminPrincipal
from shopkit.db import SessionDep
from shopkit.errors import NotFound
from shopkit.http import make_client
from shopkit.metrics import Probe, gauge
from shopkit.outbox import (
    FAILED,
    PENDING,
    UNSETTLED,
    OutboxMixin,
    OutboxRelay,
    PermanentDeliveryError,
    discard_failed,
    is_unsettled,
    retry_failed,
    sent_outbox_retention,
)
from shopkit.retention import retention_job
from shopkit.scopes import EVENTS_WRITE
from shopkit.settings import ServiceSettings
from shopkit.tokens import TokenSigner
from shopkit.tracing import span_for_event


class DeliveryRejected(Exception):
    """Notifications answered with a non-2xx status."""


class EventRefused(DeliveryRejected, PermanentDeliveryError):
    """Notifications refused the event itself (a 4xx about the request): retrying cannot
    help."""


# 4xx answers that describe the moment, not the event: 401/403 while a new key propagates,
# 404 from a receiver being redeployed or a misrouted URL, 408 and 429. Every other 4xx
# (400, 409, 413, 422, ...) is about the event and permanent; 5xx, other answers and
# transport errors are worth another attempt too.
RETRYABLE_CLIENT_ERRORS = frozenset({401, 403, 404, 408, 425, 429})


def is_permanent_refusal(status_code: int) -> bool:
    return 400 <= status_code < 500 and status_code not in RETRYABLE_CLIENT_ERRORS


class NotificationsDeliverer:
    """POST each envelope to notifications' /notify with a fresh service token.

    2xx (including 202 `duplicate`) is delivered; a permanent 4xx raises `EventRefused`,
    which the relay parks as `failed` at once; any other answer or a transport error is one
    failed attempt, retried with backoff. Holds one pooled HTTP client; `aclose()` releases
    it."""

    def __init__(self, settings: ServiceSettings, signer: TokenSigner) -> None:
        self.client = make_client(
            settings.notifications_url,
            timeout=settings.http_timeout_seconds,
            token_provider=lambda: signer.service_token(
                settings.service_token_ttl_seconds, scopes=(EVENTS_WRITE,)
            ),
        )

    async def __call__(self, envelope: dict[str, Any]) -> None:
        # in the trace of the request that wrote the event; the call carries it on
        with span_for_event("deliver event", envelope, kind=SpanKind.PRODUCER):
            response = await self.client.post("/notify", json=envelope)
        if response.status_code // 100 == 2:
            return
        reason = f"notifications answered {response.status_code}: {response.text[:500]}"
        if is_permanent_refusal(response.status_code):
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
            max_age=timedelta(seconds=settings.outbox_max_age_seconds),
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


def outbox_retention_job(model: type[OutboxMixin]):  # type: ignore[no-untyped-def]
    """Background job deleting sent rows after OUTBOX_RETENTION_DAYS (shopkit.retention)."""
    return retention_job(
        lambda settings: [
            sent_outbox_retention(model, timedelta(days=settings.outbox_retention_days))
        ]
    )


def outbox_probe(model: type[OutboxMixin]) -> Probe:
    """Outbox backlog for `/metrics`: pending and failed rows, and the age of the oldest
    pending one (from when it was written). One query over the partial index of unsettled
    rows, never the delivered history."""
    table = model.__table__  # type: ignore[attr-defined]
    pending = table.c.status == PENDING
    query = select(
        func.count().filter(pending),
        func.count().filter(table.c.status == FAILED),
        func.extract("epoch", func.now() - func.min(table.c.created_at).filter(pending)),
    ).where(is_unsettled(table.c.status))

    async def probe(session: AsyncSession) -> Sequence[Metric]:
        waiting, failed, oldest = (await session.execute(query)).one()
        return [
            gauge("outbox_events_pending", "Outbox events waiting to be delivered", waiting),
            gauge(
                "outbox_events_failed",
                "Outbox events parked as failed (an admin retries or discards them)",
                failed,
            ),
            gauge(
                "outbox_oldest_pending_age_seconds",
                "Age of the oldest pending outbox event (0 when none is pending)",
                float(oldest or 0),
            ),
        ]

    return probe


OutboxStatus = Literal["pending", "sent", "failed", "discarded"]


class OutboxEntry(BaseModel):
    id: uuid.UUID
    event_type: str
    aggregate_id: str | None
    status: OutboxStatus
    attempts: int = Field(description="Deliveries tried since the event was last queued")
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    queued_at: datetime = Field(description="Written, or last queued again by an admin")
    sent_at: datetime | None
    discarded_at: datetime | None
    discarded_by: str | None = Field(description="Subject of the admin who discarded it")
    blocked_by: uuid.UUID | None = Field(
        description="The older undelivered (pending or failed) event of the same aggregate "
        "this one waits for; null when nothing holds it back"
    )
    holding: int = Field(
        description="Newer undelivered events of the same aggregate waiting for this one"
    )
    payload: dict[str, Any]


class OutboxPage(BaseModel):
    items: list[OutboxEntry]
    total: int


class OutboxProblem(BaseModel):
    detail: str


def _problems(**descriptions: str) -> dict[int | str, dict[str, Any]]:
    documented = {
        401: "Missing, invalid or expired token",
        403: "The token is not an admin's",
        **{int(code.removeprefix("e")): text for code, text in descriptions.items()},
    }
    return {code: {"model": OutboxProblem, "description": d} for code, d in documented.items()}


def outbox_admin_router(model: type[OutboxMixin]) -> APIRouter:
    router = APIRouter(prefix="/admin/outbox", tags=["admin: events"])
    table = model.__table__  # type: ignore[attr-defined]

    def entries_query() -> Any:
        """Rows with what holds each back (`blocked_by`) and what each holds (`holding`)."""
        other = table.alias("other")
        same_aggregate = other.c.aggregate_id == table.c.aggregate_id
        blocked_by = (
            select(other.c.id)
            .where(same_aggregate, is_unsettled(other.c.status), other.c.seq < table.c.seq)
            .order_by(other.c.seq)
            .limit(1)
            .scalar_subquery()
        )
        holding = (
            select(func.count())
            .select_from(other)
            .where(same_aggregate, is_unsettled(other.c.status), other.c.seq > table.c.seq)
            .scalar_subquery()
        )
        return select(model, blocked_by.label("blocked_by"), holding.label("holding"))

    def entry(row: OutboxMixin, blocked_by: uuid.UUID | None, holding: int) -> OutboxEntry:
        fields = {c.key: getattr(row, c.key) for c in table.columns}
        unsettled = row.status in UNSETTLED
        return OutboxEntry(
            **fields,
            blocked_by=blocked_by if unsettled else None,
            holding=holding if unsettled else 0,
        )

    async def load(session: Any, event_id: uuid.UUID) -> OutboxEntry:
        query = entries_query().where(model.id == event_id)
        found = (await session.execute(query.execution_options(populate_existing=True))).one()
        return entry(found[0], found.blocked_by, found.holding)

    def wake_relay(request: Request) -> None:
        relay: OutboxRelay | None = getattr(request.app.state, "outbox_relay", None)
        if relay is not None:
            relay.wake()

    @router.get(
        "",
        response_model=OutboxPage,
        summary="Events by delivery status, newest first, with what holds each back",
        responses=_problems(),
    )
    async def list_outbox(
        session: SessionDep,
        _: AdminPrincipal,
        status: OutboxStatus | None = None,
        limit: int = Query(50, ge=1, le=200),
    ) -> OutboxPage:
        query = entries_query()
        count = select(func.count()).select_from(model)
        if status:
            query = query.where(model.status == status)
            count = count.where(model.status == status)
        rows = (await session.execute(query.order_by(model.seq.desc()).limit(limit))).all()
        total = int(await session.scalar(count) or 0)
        return OutboxPage(items=[entry(r[0], r.blocked_by, r.holding) for r in rows], total=total)

    @router.post(
        "/{event_id}/retry",
        response_model=OutboxEntry,
        summary="Queue a failed event again (due now, fresh backoff and age limit)",
        responses=_problems(e404="No failed event with this id"),
    )
    async def retry(
        event_id: uuid.UUID, session: SessionDep, _: AdminPrincipal, request: Request
    ) -> OutboxEntry:
        if not await retry_failed(session, model, event_id):
            raise NotFound("No failed event with this id")
        await session.flush()
        wake_relay(request)
        return await load(session, event_id)

    @router.post(
        "/{event_id}/discard",
        response_model=OutboxEntry,
        summary="Give a failed event up: it is never sent, and the newer events of its "
        "aggregate it held back go out",
        responses=_problems(e404="No failed event with this id"),
    )
    async def discard(
        event_id: uuid.UUID, session: SessionDep, admin: AdminPrincipal, request: Request
    ) -> OutboxEntry:
        if not await discard_failed(session, model, event_id, by=admin.subject):
            raise NotFound("No failed event with this id")
        await session.flush()
        wake_relay(request)
        return await load(session, event_id)

    return router
