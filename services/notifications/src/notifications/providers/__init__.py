"""Where messages go: console, file and SMTP providers behind one interface."""

from notifications.providers.base import (
    OutgoingEmail,
    OutgoingMessage,
    OutgoingSms,
    Provider,
    ProviderUnavailable,
    Receipt,
)
from notifications.providers.notifier import Notifier, build_notifier

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
