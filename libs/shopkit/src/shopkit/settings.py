"""Settings base shared by every service.

Database location follows libpq's own variables (PGHOST, PGPORT, PGUSER, PGPASSWORD) so one
discovery step (`scripts/pg.py`) can point all three services at a local server or at the
embedded one; a service's `<NAME>_DATABASE_URL` overrides that completely.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[4]
DEV_KEYS_DIR = REPO_ROOT / ".keys"
DEV_SECRET_MARKER = "dev-"  # every dev default secret starts with this


def prefixed(prefix: str, name: str, default: Any) -> Any:
    """A field read from `<PREFIX>_<NAME>` (or by its own name): the settings each service
    holds under its own prefix (CATALOG_DATABASE_URL, IDENTITY_TRUSTED_SIGNERS)."""
    return Field(default=default, validation_alias=AliasChoices(f"{prefix}_{name.upper()}", name))


def postgres_url(database: str, *, host: str, port: int, user: str, password: str) -> str:
    """SQLAlchemy URL for psycopg 3; a host starting with '/' is a Unix socket directory."""
    auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    if host.startswith("/"):
        return f"postgresql+psycopg://{auth}@/{database}?host={quote(host)}&port={port}"
    return f"postgresql+psycopg://{auth}@{host}:{port}/{database}"


class ServiceSettings(BaseSettings):
    """Fields every service has. Subclasses set `service_name` and `default_database`."""

    model_config = SettingsConfigDict(
        env_file=str(REPO_ROOT / ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    service_name: str = "service"
    default_database: str = "postgres"

    env: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    log_json: bool = True

    pghost: str = Field(default="127.0.0.1", alias="PGHOST")
    pgport: int = Field(default=5432, alias="PGPORT")
    pguser: str = Field(default="postgres", alias="PGUSER")
    pgpassword: str = Field(default="", alias="PGPASSWORD")
    database_url: str | None = None  # subclasses bind this to <NAME>_DATABASE_URL
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # How long a request waits for a pooled connection before answering 503 (Retry-After).
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)

    # Tokens: RS256. Every service signs its own service tokens with its own private key
    # (`<keys_dir>/<service>.key`); identity-commerce's key also signs user tokens. Verifiers
    # hold public keys only: `<public_keys_dir>/<service>.pub` of each trusted signer (each
    # service lists its own, see `trusted_signers` in its Settings).
    keys_dir: Path = DEV_KEYS_DIR
    public_keys_dir: Path | None = None  # default: keys_dir
    trusted_signers: list[str] = ["identity-commerce"]
    jwt_issuer: str = "shop-identity"
    jwt_audience: str = "shop"
    service_token_ttl_seconds: int = 300

    cors_origins: list[str] = ["http://localhost:5173", "http://127.0.0.1:5173"]
    max_body_bytes: int = 1_000_000

    identity_url: str = "http://127.0.0.1:8001"
    catalog_url: str = "http://127.0.0.1:8002"
    notifications_url: str = "http://127.0.0.1:8010"
    http_timeout_seconds: float = 5.0
    http_retries: int = 3

    outbox_relay_enabled: bool = True
    outbox_poll_seconds: float = 1.0
    # Failures worth retrying are retried (backoff capped at the max) until an event is this
    # old; only then, or when notifications refuses the event itself, is it parked `failed`.
    outbox_max_age_seconds: float = 86400.0
    outbox_backoff_base_seconds: float = 1.0
    outbox_backoff_max_seconds: float = 300.0

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return postgres_url(
            self.default_database,
            host=self.pghost,
            port=self.pgport,
            user=self.pguser,
            password=self.pgpassword,
        )

    @property
    def public_keys_path(self) -> Path:
        return self.public_keys_dir or self.keys_dir

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> ServiceSettings:
        if not self.is_production:
            return self
        problems: list[str] = []
        if self.keys_dir.resolve() == DEV_KEYS_DIR.resolve():
            problems.append("KEYS_DIR points at the generated dev keys; mount real keys")
        if self.public_keys_dir and self.public_keys_dir.resolve() == DEV_KEYS_DIR.resolve():
            problems.append("PUBLIC_KEYS_DIR points at the generated dev keys; mount real keys")
        for name, value in self.secret_values().items():
            if not value or value.startswith(DEV_SECRET_MARKER):
                problems.append(f"{name.upper()} is empty or a dev default")
        if any("localhost" in o or "127.0.0.1" in o for o in self.cors_origins):
            problems.append("CORS_ORIGINS still allows a local dev origin")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    def secret_values(self) -> dict[str, str]:
        """Secrets that must not keep their dev defaults in production (subclasses extend)."""
        return {}
