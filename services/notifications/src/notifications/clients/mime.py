"""Build the RFC 5322 message the file and SMTP providers write or send."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from shopkit.db import utcnow

from notifications.clients.base import OutgoingEmail


def sender_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def build_mime(message: OutgoingEmail, *, mail_from: str) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = mail_from
    mime["To"] = Address(addr_spec=message.to)
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(utcnow())
    mime["Message-ID"] = make_msgid(domain=sender_domain(mail_from))
    # Lets support staff match a message with the event (and the sent log) that caused it.
    mime["X-Shop-Event-Id"] = str(message.event_id)
    mime["X-Shop-Event-Type"] = message.event_type
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime
