"""SMTP provider: plain, STARTTLS or implicit TLS (SMTPS), with optional credentials.

The standard library's smtplib runs in a worker thread: one connection per message keeps
the code simple and is plenty for order mail; a failure becomes ProviderUnavailable (503),
so the event is retried by the sender's outbox instead of being lost.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from notifications.clients.base import (
    OutgoingEmail,
    OutgoingMessage,
    ProviderUnavailable,
    Receipt,
)
from notifications.clients.mime import build_mime


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["none", "starttls", "ssl"]
    mail_from: str
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    timeout: float = 10.0

    def tls_context(self) -> ssl.SSLContext:
        cafile = str(self.ca_file) if self.ca_file else None
        return ssl.create_default_context(cafile=cafile)


class SmtpProvider:
    name = "smtp"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, message: OutgoingMessage) -> Receipt:
        if not isinstance(message, OutgoingEmail):
            raise TypeError("the SMTP provider sends email only")
        mime = build_mime(message, mail_from=self.config.mail_from)
        try:
            await asyncio.to_thread(self._deliver, mime)
        except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError is an OSError
            raise ProviderUnavailable(self.name, repr(exc)) from exc
        return Receipt(provider=self.name, message_id=str(mime["Message-ID"]))

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.security == "ssl":
            return smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout, context=cfg.tls_context()
            )
        return smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)

    def _deliver(self, mime: object) -> None:
        cfg = self.config
        with self._connect() as smtp:
            smtp.ehlo()
            if cfg.security == "starttls":
                smtp.starttls(context=cfg.tls_context())
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, cfg.password or "")
            smtp.send_message(mime)  # type: ignore[arg-type]
