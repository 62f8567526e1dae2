"""The event envelope every service writes to its outbox and notifications receives."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shopkit.tracing import current_traceparent


class EventType(StrEnum):
    ORDER_PLACED = "ORDER_PLACED"
    ORDER_PAID = "ORDER_PAID"
    ORDER_PAYMENT_FAILED = "ORDER_PAYMENT_FAILED"
    ORDER_SHIPPED = "ORDER_SHIPPED"
    ORDER_DELIVERED = "ORDER_DELIVERED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    ORDER_REFUNDED = "ORDER_REFUNDED"
    ORDER_EXPIRED = "ORDER_EXPIRED"
    # Money that reached an order after it had closed (expired, cancelled, declined) and was
    # refunded in full: nothing was bought.
    ORDER_LATE_PAYMENT_REFUNDED = "ORDER_LATE_PAYMENT_REFUNDED"
    # Returns (identity-commerce): a shopper asked to send units back; an admin approved or
    # rejected; the parcel arrived (refunded and restocked through the refund path).
    RETURN_REQUESTED = "RETURN_REQUESTED"
    RETURN_APPROVED = "RETURN_APPROVED"
    RETURN_REJECTED = "RETURN_REJECTED"
    RETURN_RECEIVED = "RETURN_RECEIVED"
    LOW_STOCK = "LOW_STOCK"
    # Account links (identity-commerce): the email carries a one-time link with `token`.
    PASSWORD_RESET_REQUESTED = "PASSWORD_RESET_REQUESTED"
    EMAIL_VERIFICATION_REQUESTED = "EMAIL_VERIFICATION_REQUESTED"


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str = Field(min_length=1, max_length=64)
    version: int = Field(default=1, ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    source: str = Field(min_length=1, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict)
    # W3C trace context of the request that wrote the event: its delivery and its handling in
    # notifications join that trace (shopkit.tracing). Absent when nothing was traced.
    traceparent: str | None = Field(default=None, max_length=55)

    def to_json_dict(self) -> dict[str, Any]:
        # no `traceparent` key when there is none (the envelope stays as it was before)
        return self.model_dump(
            mode="json", exclude={"traceparent"} if self.traceparent is None else None
        )


def make_event(
    event_type: EventType | str, *, source: str, data: dict[str, Any], version: int = 1
) -> EventEnvelope:
    return EventEnvelope(
        type=str(event_type),
        source=source,
        data=data,
        version=version,
        traceparent=current_traceparent(),
    )
