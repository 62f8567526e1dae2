"""Settings for catalog-fulfillment; every variable is listed with its dev default in .env.sample."""

from pydantic import AliasChoices, Field
from shopkit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "catalog-fulfillment"
    default_database: str = "ecom_catalog_fulfillment"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_DATABASE_URL", "database_url")
    )
