"""Settings for notifications; every variable is listed with its dev default in .env.sample."""

from pydantic import AliasChoices, Field
from shopkit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "notifications"
    default_database: str = "ecom_notifications"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("NOTIFICATIONS_DATABASE_URL", "database_url")
    )
