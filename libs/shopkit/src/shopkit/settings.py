"""Settings base shared by every service.

Database location follows libpq's own variables (PGHOST, PGPORT, PGUSER, PGPASSWORD) so one
discovery step (`scripts/pg.py`) can point all three services at a local server or at the
embedded one; a service's `<NAME>_DATABASE_URL` overrides that completely.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import AliasChoices, BeforeValidator, Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from shopkit.tokens import key_fingerprint, registered_dev_fingerprints

REPO_ROOT = Path(__file__).resolve().parents[4]
DEV_KEYS_DIR = REPO_ROOT / ".keys"
DEV_SECRET_MARKER = "dev-"  # every dev default secret starts with this
# PostgreSQL passwords of the dev setups (docker-compose.yml, deploy/k8s local overlay) all
# start with DEV_SECRET_MARKER; these are the images' and tutorials' usual ones.
WELL_KNOWN_DATABASE_PASSWORDS = frozenset({"postgres", "password", "secret"})


def is_dev_database_password(password: str) -> bool:
    return password.startswith(DEV_SECRET_MARKER) or password in WELL_KNOWN_DATABASE_PASSWORDS


def known_dev_fingerprints(*folders: Path | None) -> set[str]:
    """Fingerprints of the dev keys this machine knows: the registers in `folders` and in the
    repository's dev keys folder, and every key file found under that folder."""
    known: set[str] = set()
    for folder in {*folders, DEV_KEYS_DIR}:
        if folder is not None:
            known |= registered_dev_fingerprints(folder)
    if DEV_KEYS_DIR.is_dir():
        for path in DEV_KEYS_DIR.rglob("*"):
            if path.suffix in (".key", ".pub") and path.is_file():
                with contextlib.suppress(ValueError, TypeError, OSError):
                    known.add(key_fingerprint(path.read_bytes()))
    return known


def prefixed(prefix: str, name: str, default: Any) -> Any:
    """A field read from `<PREFIX>_<NAME>` (or by its own name): the settings each service
    holds under its own prefix (CATALOG_DATABASE_URL, IDENTITY_TRUSTED_SIGNERS)."""
    return Field(default=default, validation_alias=AliasChoices(f"{prefix}_{name.upper()}", name))


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


# A list given in the environment as comma-separated text ("a@shop.test, b@shop.test"), the
# way people write it, rather than JSON; blanks around and between the commas are dropped.
CommaSeparated = Annotated[list[str], NoDecode, BeforeValidator(_split_commas)]


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
    # hold public keys only, of each trusted signer (each service lists its own, see
    # `trusted_signers` in its Settings): `jwks` fetches them from the signer's
    # /.well-known/jwks.json (shopkit.jwks), `files` reads `<public_keys_dir>/<service>.pub`.
    keys_dir: Path = DEV_KEYS_DIR
    public_keys_dir: Path | None = None  # default: keys_dir
    trusted_signers: list[str] = ["identity-commerce"]
    # Unset: `jwks`, except with ENV=test, whose suites sign tokens for services they do not
    # start, from one shared folder of test keys (a test of the JWKS path sets `jwks`).
    trusted_keys_source: Literal["jwks", "files"] | None = None
    # JWKS keys are kept this long, and fetched again at most once per interval, however
    # many tokens with unknown kids arrive.
    jwks_cache_seconds: float = Field(default=300.0, gt=0)
    jwks_refresh_min_seconds: float = Field(default=10.0, ge=0)
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

    # /metrics: with a token, only `Authorization: Bearer <token>`; without one, open in
    # development and test and closed (404) in production (shopkit.metrics).
    metrics_token: str = Field(default="", repr=False)
    # Traces go to this OTLP/HTTP collector (e.g. http://otel-collector:4318); empty: not
    # exported (shopkit.tracing).
    otel_exporter_otlp_endpoint: str = ""

    outbox_relay_enabled: bool = True
    outbox_poll_seconds: float = 1.0
    # Failures worth retrying are retried (backoff capped at the max) until an event is this
    # old; only then, or when notifications refuses the event itself, is it parked `failed`.
    outbox_max_age_seconds: float = 86400.0
    outbox_backoff_base_seconds: float = 1.0
    outbox_backoff_max_seconds: float = 300.0

    # Retention (shopkit.retention): how often the job runs, rows per batch (one short
    # transaction each), and how long a delivered outbox row is kept.
    retention_enabled: bool = True
    retention_sweep_seconds: float = Field(default=3600.0, gt=0)
    retention_batch_size: int = Field(default=1000, ge=1, le=100_000)
    outbox_retention_days: float = Field(default=7.0, gt=0)

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
    def keys_source(self) -> Literal["jwks", "files"]:
        if self.trusted_keys_source is not None:
            return self.trusted_keys_source
        return "files" if self.env == "test" else "jwks"

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
        problems = [*self._dev_key_problems(), *self._database_password_problems()]
        for name, value in self.secret_values().items():
            if not value or value.startswith(DEV_SECRET_MARKER):
                problems.append(f"{name.upper()} is empty or a dev default")
        if self.metrics_token and len(self.metrics_token) < 32:
            problems.append("METRICS_TOKEN is shorter than 32 characters")
        if any("localhost" in o or "127.0.0.1" in o for o in self.cors_origins):
            problems.append("CORS_ORIGINS still allows a local dev origin")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    def _dev_key_problems(self) -> list[str]:
        """A dev key is recognised by its fingerprint, wherever it lies: one listed in a dev
        key register (the dev generator writes one beside every key it makes), or one found in
        the repository's dev keys folder. Copying `.keys/identity-commerce.key` elsewhere does
        not make it a production key. (Pointing at that folder itself is refused as well,
        even before it holds a key.)"""
        problems = [
            f"{name} points at the repository's generated dev keys folder; mount real keys"
            for name, folder in (
                ("KEYS_DIR", self.keys_dir),
                ("PUBLIC_KEYS_DIR", self.public_keys_dir),
            )
            if folder is not None and folder.resolve() == DEV_KEYS_DIR.resolve()
        ]
        private_key = self.keys_dir / f"{self.service_name}.key"
        try:
            pem = private_key.read_bytes()
        except OSError:
            problems.append(f"KEYS_DIR has no readable {private_key.name}; mount the service's key")
            return problems
        keys = {f"KEYS_DIR/{private_key.name}": key_fingerprint(pem)}
        if self.public_keys_dir is not None:
            for public in sorted(self.public_keys_dir.glob("*.pub")):
                keys[f"PUBLIC_KEYS_DIR/{public.name}"] = key_fingerprint(public.read_bytes())
        known = known_dev_fingerprints(self.keys_dir, self.public_keys_dir)
        problems += [
            f"{where} is a generated dev key (sha256 {fingerprint[:16]}); mount a real key"
            for where, fingerprint in keys.items()
            if fingerprint in known
        ]
        return problems

    def _database_password_problems(self) -> list[str]:
        """The compose, Kubernetes-local and dev defaults are no production password. An
        empty one is accepted only with a client certificate (`sslcert` in the URL)."""
        if self.database_url:
            url = make_url(self.database_url)
            password = url.password if isinstance(url.password, str) else ""
            certificate = "sslcert" in url.query
            where = "the database URL's password"
        else:
            password, certificate = self.pgpassword, False
            where = "PGPASSWORD"
        if (not password and not certificate) or is_dev_database_password(password):
            return [f"{where} is empty or a dev default; use the database's real password"]
        return []

    def secret_values(self) -> dict[str, str]:
        """Secrets that must not keep their dev defaults in production (subclasses extend)."""
        return {}


class _Deployment(BaseSettings):
    """Only ENV, read the way the services read it (environment, then .env)."""

    model_config = SettingsConfigDict(
        env_file=str(REPO_ROOT / ".env"), env_file_encoding="utf-8", extra="ignore"
    )

    env: str = "development"


def refuse_seeding_in_production(service: str) -> None:
    """Demo accounts and demo data exist only in development and tests: a seed script calls
    this first and stops (exit status 1) before it connects to anything when ENV=production."""
    if _Deployment().env == "production":
        raise SystemExit(
            f"refusing to seed {service} with ENV=production: demo accounts and demo data "
            "exist only in development and tests"
        )
