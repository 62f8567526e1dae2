"""Picks the provider for each channel from settings and sends through it."""

from __future__ import annotations

from notifications.clients.base import OutgoingMessage, Provider, Receipt
from notifications.clients.console import ConsoleProvider
from notifications.clients.file import FileProvider
from notifications.clients.smtp import SmtpConfig, SmtpProvider
from notifications.core.config import Settings


class Notifier:
    def __init__(self, *, email: Provider, sms: Provider) -> None:
        self.email = email
        self.sms = sms

    async def send(self, message: OutgoingMessage) -> Receipt:
        provider = self.email if message.channel == "email" else self.sms
        return await provider.send(message)


def build_provider(name: str, settings: Settings) -> Provider:
    if name == "console":
        return ConsoleProvider()
    if name == "file":
        return FileProvider(
            settings.file_dir, mail_from=settings.mail_from, sms_sender=settings.sms_sender
        )
    if name == "smtp":
        return SmtpProvider(
            SmtpConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                security=settings.smtp_security,
                mail_from=settings.mail_from,
                username=settings.smtp_username,
                password=(
                    settings.smtp_password.get_secret_value() if settings.smtp_password else None
                ),
                ca_file=settings.smtp_ca_file,
                timeout=settings.smtp_timeout_seconds,
            )
        )
    raise ValueError(f"unknown provider {name!r}")


def build_notifier(settings: Settings) -> Notifier:
    # With SMS off no SMS is rendered (services/messages.py); the console provider only
    # stands in so the notifier has one for each channel.
    sms = "console" if settings.sms_provider == "off" else settings.sms_provider
    return Notifier(
        email=build_provider(settings.email_provider, settings),
        sms=build_provider(sms, settings),
    )
