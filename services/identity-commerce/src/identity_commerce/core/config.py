"""Settings for identity-commerce; every variable is listed with its dev default in .env.sample."""

from pydantic import AliasChoices, Field
from shopkit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "identity-commerce"
    default_database: str = "ecom_identity_commerce"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("IDENTITY_DATABASE_URL", "database_url")
    )
