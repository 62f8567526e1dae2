"""File provider: one .eml per email and one .json per SMS in a folder.

The dev stack's default, so a developer can open exactly what a customer would get (any mail
client opens .eml). Files are written to a temporary name and renamed, so a watcher never
sees half a message; names sort by time and carry the event id.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path

from shopkit.db import utcnow

from notifications.clients.base import (
    OutgoingEmail,
    OutgoingMessage,
    OutgoingSms,
    ProviderUnavailable,
    Receipt,
)
from notifications.clients.mime import build_mime


class FileProvider:
    name = "file"

    def __init__(self, folder: Path, *, mail_from: str, sms_sender: str) -> None:
        self.folder = folder
        self.mail_from = mail_from
        self.sms_sender = sms_sender

    async def send(self, message: OutgoingMessage) -> Receipt:
        try:
            return await asyncio.to_thread(self._write, message)
        except OSError as exc:
            raise ProviderUnavailable(self.name, repr(exc)) from exc

    def _file_stem(self, message: OutgoingMessage) -> str:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        unique = uuid.uuid4().hex[:8]
        return f"{stamp}_{message.event_type.lower()}_{message.event_id}_{message.channel}_{unique}"

    def _write(self, message: OutgoingMessage) -> Receipt:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self._file_stem(message)
        if isinstance(message, OutgoingEmail):
            mime = build_mime(message, mail_from=self.mail_from)
            path = self.folder / f"{stem}.eml"
            _write_atomically(path, bytes(mime))
            return Receipt(provider=self.name, message_id=str(mime["Message-ID"]))
        assert isinstance(message, OutgoingSms)
        sms_id = f"sms-{uuid.uuid4().hex}"
        document = {
            "id": sms_id,
            "from": self.sms_sender,
            "to": message.to,
            "text": message.text,
            "event_id": str(message.event_id),
            "event_type": message.event_type,
            "created_at": utcnow().isoformat(),
        }
        path = self.folder / f"{stem}.json"
        _write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False).encode())
        return Receipt(provider=self.name, message_id=sms_id)


def _write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
