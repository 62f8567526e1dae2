"""The provider interface and the messages it carries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from shopkit.errors import ServiceUnavailable


@dataclass(frozen=True, kw_only=True)
class _Outgoing:
    """What a message carries on every channel."""

    to: str
    text: str
    event_id: uuid.UUID
    event_type: str
    # What the sent log keeps of `text` when it holds a secret (a one-time link).
    logged_text: str | None = None


@dataclass(frozen=True, kw_only=True)
class OutgoingEmail(_Outgoing):
    subject: str
    html: str

    channel = "email"


@dataclass(frozen=True, kw_only=True)
class OutgoingSms(_Outgoing):
    channel = "sms"

    @property
    def subject(self) -> None:
        return None


OutgoingMessage = OutgoingEmail | OutgoingSms


@dataclass(frozen=True)
class Receipt:
    """What the provider tells us about a message it accepted."""

    provider: str
    message_id: str


class ProviderUnavailable(ServiceUnavailable):
    """The provider could not take the message (SMTP down, disk full...): 503, so the
    sender's outbox retries the whole event later."""

    def __init__(self, provider: str, reason: str) -> None:
        super().__init__(f"{provider} provider could not send the message; try again later")
        self.provider = provider
        self.reason = reason


class Provider(Protocol):
    name: str

    async def send(self, message: OutgoingMessage) -> Receipt: ...
