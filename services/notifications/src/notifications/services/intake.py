"""The one code path every event takes, whether it came through `POST /notify` or the
Lambda-style handler: validate, claim the event id, write and send the messages, log them.

Claiming is an INSERT ... ON CONFLICT DO NOTHING on the event id in the caller's transaction:
a redelivered event finds the row and sends nothing; two deliveries of one event at the same
moment serialise on the row lock, so the second sees the first's row once it commits. If a
provider fails, the caller's transaction rolls back (the claim with it) and the sender retries.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from shopkit.tracing import span_for_event
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.clients import Notifier
from notifications.core.config import Settings
from notifications.core.metrics import NOTIFICATIONS_SENT
from notifications.models import HandledEvent, SentMessage
from notifications.services.messages import render_messages
from notifications.services.validation import parse_event

log = logging.getLogger("notifications.intake")


@dataclass(frozen=True)
class Outcome:
    status: Literal["sent", "duplicate"]
    event_id: uuid.UUID
    messages: int

    def body(self) -> dict[str, Any]:
        return {"status": self.status, "event_id": str(self.event_id), "messages": self.messages}


async def handle_event(
    session: AsyncSession, raw: Any, *, notifier: Notifier, settings: Settings
) -> Outcome:
    """Handle one event in the trace of the request that wrote it (its `traceparent`), so
    the messages of an order show in the order's trace."""
    with span_for_event("handle event", raw if isinstance(raw, dict) else {}):
        return await _handle(session, raw, notifier=notifier, settings=settings)


async def _handle(
    session: AsyncSession, raw: Any, *, notifier: Notifier, settings: Settings
) -> Outcome:
    event = parse_event(raw)
    claimed = await session.scalar(
        pg_insert(HandledEvent)
        .values(
            event_id=event.event_id,
            event_type=event.type.value,
            source=event.source,
            version=event.version,
            occurred_at=event.occurred_at,
        )
        .on_conflict_do_nothing(index_elements=[HandledEvent.event_id])
        .returning(HandledEvent.event_id)
    )
    if claimed is None:
        log.info("duplicate event %s (%s) ignored", event.event_id, event.type.value)
        return Outcome(status="duplicate", event_id=event.event_id, messages=0)

    sent: list[dict[str, Any]] = []
    for message in render_messages(event, settings):
        # Counted when the provider answers, not at commit: a message that went out went
        # out, even if this transaction then fails and the event comes again.
        try:
            receipt = await notifier.send(message)
        except Exception:
            NOTIFICATIONS_SENT.labels(message.channel, "failed").inc()
            raise
        NOTIFICATIONS_SENT.labels(message.channel, "sent").inc()
        sent.append(
            {
                "id": uuid.uuid4(),
                "event_id": event.event_id,
                "event_type": event.type.value,
                "channel": message.channel,
                "recipient": message.to,
                "subject": message.subject,
                "body_text": message.logged_text or message.text,
                "provider": receipt.provider,
                "message_id": receipt.message_id,
            }
        )
    if sent:
        await session.execute(insert(SentMessage), sent)
    handled = await session.get(HandledEvent, event.event_id)
    assert handled is not None
    handled.message_count = len(sent)
    await session.flush()
    log.info(
        "event %s (%s) handled: %s message(s)",
        event.event_id,
        event.type.value,
        len(sent),
        extra={"fields": {"event_id": str(event.event_id), "event_type": event.type.value}},
    )
    return Outcome(status="sent", event_id=event.event_id, messages=len(sent))
