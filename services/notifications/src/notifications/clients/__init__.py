"""Where messages go: console, file and SMTP providers behind one interface (the clients
of the mail and SMS services this service talks to)."""

from notifications.clients.base import (
    OutgoingEmail,
    OutgoingMessage,
    OutgoingSms,
    Provider,
    ProviderUnavailable,
    Receipt,
)
from notifications.clients.notifier import Notifier, build_notifier

__all__ = [
    "Notifier",
    "OutgoingEmail",
    "OutgoingMessage",
    "OutgoingSms",
    "Provider",
    "ProviderUnavailable",
    "Receipt",
    "build_notifier",
]
