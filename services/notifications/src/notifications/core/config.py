"""Settings for notifications; every variable is listed with its dev default in .env.sample.

Names carry a `NOTIFY_` (or `SMTP_`) prefix because the three services share one `.env`;
tests pass the Python field names (`Settings(email_provider="smtp")`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from shopkit.settings import REPO_ROOT, CommaSeparated, ServiceSettings, prefixed
from shopkit.tokens import IDENTITY_KEY_ID

DEFAULT_FILE_DIR = REPO_ROOT / ".data" / "outbox-mail"

EmailProviderName = Literal["console", "file", "smtp"]
# `off`: no SMS is sent (the shop has no SMS gateway provider yet); production needs it.
SmsProviderName = Literal["console", "file", "off"]
# Providers that only show a message to a developer: production refuses them.
DEV_PROVIDERS = frozenset({"console", "file"})
SmtpSecurity = Literal["none", "starttls", "ssl"]


class Settings(ServiceSettings):
    service_name: str = "notifications"
    default_database: str = "ecom_notifications"
    database_url: str | None = prefixed("NOTIFICATIONS", "database_url", None)

    # Whose tokens this service accepts: the two services that post events (and admins,
    # whose tokens identity-commerce signs).
    trusted_signers: list[str] = prefixed(
        "NOTIFICATIONS", "trusted_signers", [IDENTITY_KEY_ID, "catalog-fulfillment"]
    )

    # Where messages go. `file` is the dev default: one .eml per email and one .json per SMS
    # in `file_dir`, so a developer can open exactly what a customer would receive.
    email_provider: EmailProviderName = Field(
        default="file", validation_alias="NOTIFY_EMAIL_PROVIDER"
    )
    sms_provider: SmsProviderName = Field(default="file", validation_alias="NOTIFY_SMS_PROVIDER")
    file_dir: Path = Field(default=DEFAULT_FILE_DIR, validation_alias="NOTIFY_FILE_DIR")

    mail_from: str = Field(
        default="Shop <no-reply@shop.localhost>",
        validation_alias="NOTIFY_MAIL_FROM",
    )
    sms_sender: str = Field(default="Shop", validation_alias="NOTIFY_SMS_SENDER")
    # LOW_STOCK goes to these addresses (comma-separated in the environment).
    admin_emails: CommaSeparated = Field(
        default=["ops@shop.localhost"],
        validation_alias="NOTIFY_ADMIN_EMAILS",
    )
    # Links in messages point at the storefront (order page when a carrier link is missing).
    shop_url: str = Field(default="http://localhost:5173", validation_alias="NOTIFY_SHOP_URL")
    shop_name: str = Field(default="Shop", validation_alias="NOTIFY_SHOP_NAME")

    smtp_host: str = Field(default="localhost", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=587, ge=1, le=65535, validation_alias="SMTP_PORT")
    smtp_security: SmtpSecurity = Field(default="starttls", validation_alias="SMTP_SECURITY")
    smtp_username: str | None = Field(default=None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(default=None, validation_alias="SMTP_PASSWORD")
    # A private CA bundle for a relay with an internal certificate; system CAs otherwise.
    smtp_ca_file: Path | None = Field(default=None, validation_alias="SMTP_CA_FILE")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, validation_alias="SMTP_TIMEOUT_SECONDS")

    # The log (handled events and their sent messages) is deleted this long after an event
    # arrived. An event redelivered after that would be sent again; the senders' outboxes
    # give up after OUTBOX_MAX_AGE_SECONDS (a day), far inside it.
    log_retention_days: float = Field(
        default=90.0, gt=0, validation_alias="NOTIFY_LOG_RETENTION_DAYS"
    )

    @field_validator("smtp_username", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _refuse_dev_providers_in_production(self) -> Settings:
        if not self.is_production:
            return self
        problems = []
        if self.email_provider in DEV_PROVIDERS:
            problems.append(
                f"NOTIFY_EMAIL_PROVIDER={self.email_provider} delivers no mail; use smtp"
            )
        if self.sms_provider in DEV_PROVIDERS:
            problems.append(f"NOTIFY_SMS_PROVIDER={self.sms_provider} delivers no SMS; use off")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    def secret_values(self) -> dict[str, str]:
        if self.email_provider == "smtp" and self.smtp_username:
            password = self.smtp_password.get_secret_value() if self.smtp_password else ""
            return {"smtp_password": password}
        return {}
