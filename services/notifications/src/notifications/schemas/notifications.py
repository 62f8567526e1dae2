"""Request and response bodies of the HTTP API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from shopkit.pages import Page


class NotifyResult(BaseModel):
    status: Literal["sent", "duplicate"] = Field(
        description="`sent`: handled now; `duplicate`: this event id was handled before, "
        "nothing was sent"
    )
    event_id: uuid.UUID
    messages: int = Field(description="Messages sent for this delivery (0 for a duplicate)")


class SentMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    channel: Literal["email", "sms"]
    recipient: str
    subject: str | None
    body_text: str
    provider: str
    message_id: str
    sent_at: datetime


class SentMessagePage(Page[SentMessageOut]):
    pass
