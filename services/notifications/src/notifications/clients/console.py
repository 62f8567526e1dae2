"""Console provider: one log line per message, for running without a mail server."""

from __future__ import annotations

import logging
import uuid

from notifications.clients.base import OutgoingMessage, Receipt

log = logging.getLogger("notifications.console")


class ConsoleProvider:
    name = "console"

    async def send(self, message: OutgoingMessage) -> Receipt:
        message_id = f"console-{uuid.uuid4().hex}"
        log.info(
            "%s to %s: %s",
            message.channel,
            message.to,
            message.subject or message.text,
            extra={
                "fields": {
                    "channel": message.channel,
                    "to": message.to,
                    "subject": message.subject,
                    "text": message.text,
                    "event_id": str(message.event_id),
                    "event_type": message.event_type,
                    "message_id": message_id,
                }
            },
        )
        return Receipt(provider=self.name, message_id=message_id)
