"""Providers: the file provider's .eml/.json, the console provider, and SMTP against a real
local SMTP server (aiosmtpd) in plain, STARTTLS-with-credentials and implicit-TLS modes."""

from __future__ import annotations

import json
import logging
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from notifications.clients import OutgoingEmail, OutgoingSms, ProviderUnavailable
from notifications.clients.console import ConsoleProvider
from notifications.clients.file import FileProvider
from notifications.clients.notifier import build_notifier
from notifications.clients.smtp import SmtpConfig, SmtpProvider
from notifications.core.config import Settings
from shopkit.testing.live import free_port

from tests.smtp_server import PASSWORD, USERNAME, SmtpServer

MAIL_FROM = "Shop <no-reply@shop.test>"


def smtp_provider(server: SmtpServer, **config: Any) -> SmtpProvider:
    """An SMTP provider aimed at the local server, in the server's security mode; `config`
    adds the login, the CA file or a timeout."""
    return SmtpProvider(
        SmtpConfig(
            host="127.0.0.1",
            port=server.port,
            security=server.security,
            mail_from=MAIL_FROM,
            **config,
        )
    )


def only_file(folder: Path) -> Path:
    [path] = list(folder.iterdir())
    return path


def an_email(to: str = "alice@example.com") -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Order SO-2026-000123 confirmed: payment received",
        text="Hi Alice,\nTotal 1,095.12 USD\n",
        html="<p>Hi Alice,</p><p>Total <strong>1,095.12 USD</strong></p>",
        event_id=uuid.uuid4(),
        event_type="ORDER_PAID",
    )


def an_sms() -> OutgoingSms:
    return OutgoingSms(
        to="+15550100",
        text="Shop: order SO-1 shipped.",
        event_id=uuid.uuid4(),
        event_type="ORDER_SHIPPED",
    )


# --- file -----------------------------------------------------------------------------------


async def test_file_provider_writes_one_eml_per_email(tmp_path: Path) -> None:
    provider = FileProvider(tmp_path / "mail", mail_from=MAIL_FROM, sms_sender="Shop")
    email = an_email()
    receipt = await provider.send(email)
    path = only_file(tmp_path / "mail")
    assert path.suffix == ".eml"
    assert str(email.event_id) in path.name and "order_paid" in path.name
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["From"] == MAIL_FROM
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == email.subject
    assert message["Message-ID"] == receipt.message_id
    assert message["X-Shop-Event-Type"] == "ORDER_PAID"
    assert message.get_content_type() == "multipart/alternative"
    assert "1,095.12 USD" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<strong>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]


async def test_file_provider_writes_one_json_per_sms(tmp_path: Path) -> None:
    provider = FileProvider(tmp_path, mail_from=MAIL_FROM, sms_sender="Shop")
    sms = an_sms()
    receipt = await provider.send(sms)
    path = only_file(tmp_path)
    assert path.suffix == ".json"
    document = json.loads(path.read_text())
    assert document["id"] == receipt.message_id
    assert (document["to"], document["from"], document["text"]) == ("+15550100", "Shop", sms.text)
    assert document["event_id"] == str(sms.event_id)


async def test_file_provider_that_cannot_write_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    provider = FileProvider(blocker, mail_from=MAIL_FROM, sms_sender="Shop")
    with pytest.raises(ProviderUnavailable):
        await provider.send(an_email())


async def test_console_provider_logs_the_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="notifications.console"):
        receipt = await ConsoleProvider().send(an_sms())
    assert receipt.provider == "console"
    [record] = [r for r in caplog.records if r.name == "notifications.console"]
    assert "+15550100" in record.getMessage()
    assert record.fields["text"] == "Shop: order SO-1 shipped."  # type: ignore[attr-defined]


# --- SMTP -----------------------------------------------------------------------------------


async def test_smtp_plain_delivers_to_the_recipient(tmp_path: Path) -> None:
    with SmtpServer("none", tmp_path) as server:
        provider = smtp_provider(server)
        email = an_email("bob@example.com")
        receipt = await provider.send(email)
    [received] = server.received
    assert received.rcpt_tos == ["bob@example.com"]
    assert received.mail_from == "no-reply@shop.test"
    assert received.message["Subject"] == email.subject
    assert received.message["Message-ID"] == receipt.message_id


async def test_smtp_starttls_with_credentials(tmp_path: Path) -> None:
    with SmtpServer("starttls", tmp_path) as server:
        provider = smtp_provider(server, username=USERNAME, password=PASSWORD, ca_file=server.cert)
        await provider.send(an_email("carol@example.com"))
    [received] = server.received
    assert received.rcpt_tos == ["carol@example.com"]
    assert received.message["Subject"] == "Order SO-2026-000123 confirmed: payment received"


async def test_smtp_wrong_password_is_unavailable_and_nothing_is_received(tmp_path: Path) -> None:
    with SmtpServer("starttls", tmp_path) as server:
        provider = smtp_provider(server, username=USERNAME, password="wrong", ca_file=server.cert)
        with pytest.raises(ProviderUnavailable):
            await provider.send(an_email())
    assert server.received == []


async def test_smtp_refuses_an_untrusted_certificate(tmp_path: Path) -> None:
    with SmtpServer("starttls", tmp_path) as server:
        # The password is never sent: the certificate check fails first.
        provider = smtp_provider(server, username=USERNAME, password=PASSWORD)
        with pytest.raises(ProviderUnavailable) as caught:
            await provider.send(an_email())
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.reason
    assert server.received == []


async def test_smtp_implicit_tls(tmp_path: Path) -> None:
    with SmtpServer("ssl", tmp_path) as server:
        provider = smtp_provider(server, ca_file=server.cert)
        await provider.send(an_email("dave@example.com"))
    assert [r.rcpt_tos for r in server.received] == [["dave@example.com"]]


async def test_smtp_server_down_is_unavailable() -> None:
    provider = SmtpProvider(
        SmtpConfig(
            host="127.0.0.1", port=free_port(), security="none", mail_from=MAIL_FROM, timeout=2
        )
    )
    with pytest.raises(ProviderUnavailable):
        await provider.send(an_email())


async def test_notifier_from_settings_sends_email_over_smtp_and_sms_to_files(
    tmp_path: Path,
) -> None:
    with SmtpServer("starttls", tmp_path) as server:
        settings = Settings(
            email_provider="smtp",
            sms_provider="file",
            file_dir=tmp_path / "sms",
            mail_from=MAIL_FROM,
            **server.smtp_settings(),
        )
        notifier = build_notifier(settings)
        assert (await notifier.send(an_email("erin@example.com"))).provider == "smtp"
        assert (await notifier.send(an_sms())).provider == "file"
    assert [r.rcpt_tos for r in server.received] == [["erin@example.com"]]
    assert [p.suffix for p in (tmp_path / "sms").iterdir()] == [".json"]
