"""A service declared once: what is its own, from which shopkit builds the rest.

A service's `<package>/service.py` holds one `ServiceDeclaration` and its `pyproject.toml`
registers it under the `shopkit.services` entry point group. From it shopkit builds:

- the FastAPI app and its lifespan (`build_app`, used by the service's `main.create_app`);
- the Alembic environment (`run_migrations`, the whole body of `migrations/env.py`);
- the shared health and readiness tests and the test fixtures (`shopkit.testing`);
- the list of services that the Makefile, `scripts/` and compose read
  (`python -m shopkit.services list|json`, `registered_services()`).

The code a declaration names (settings class, routers, jobs, resources) is given as
references, "package.module:attribute", the form uvicorn and entry points use: reading the
list of services then imports no service code, so the scripts that ask for it stay fast.
`build_app` resolves them; a reference that names nothing fails the service's first test.

Resources are the objects a service holds for its whole life (database pools, HTTP clients,
worker pools). Each is an async context manager factory `(app) -> AsyncContextManager[T]`
under the `app.state` attribute it fills: opened in the declared order at startup, closed in
reverse order at shutdown, after the background jobs have stopped.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from shopkit.settings import ServiceSettings

# "package.module:attribute" (the attribute may be dotted: "module:Class.method")
Reference = str

# The account check of a service that asks identity-commerce (shopkit.accounts).
REMOTE_ACCOUNT_CHECK: Reference = "shopkit.accounts:RemoteAccountCheck.build"


def resolve(reference: Reference) -> Any:
    """The object a reference names; ValueError says which reference named nothing."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"reference {reference!r} is not 'package.module:attribute'")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as exc:
            raise ValueError(f"reference {reference!r}: {module_name} has no {attribute}") from exc
    return target


@dataclass(frozen=True)
class ServiceDeclaration:
    """Everything that makes one service different from the others. What every service
    keeps in the same place, or what follows from its name, needs no declaring: left empty,
    `title` is the name in title case ("gift-cards": "Gift Cards"), `package` the name with
    underscores, `database` the package, and `settings`, `models` and `routers` are
    `<package>.core.config:Settings`, `<package>.models:Base` and `<package>.api:routers`."""

    name: str  # "catalog-fulfillment": folder under services/, token issuer, log field
    port: int  # development port (the e2e and bench profiles add their offsets)
    database_env: str  # variable that overrides the whole URL ("CATALOG_DATABASE_URL")
    description: str  # OpenAPI metadata, with the title
    title: str = ""
    package: str = ""  # "catalog_fulfillment"
    database: str = ""  # database name without the profile's prefix ("catalog_fulfillment")
    settings: Reference = ""  # the ServiceSettings subclass
    models: Reference = ""  # the declarative base whose metadata the migrations compare with
    routers: Reference = ""  # a sequence of APIRouter
    background_jobs: tuple[Reference, ...] = ()  # shopkit.app.BackgroundJob each
    resources: Mapping[str, Reference] = field(default_factory=dict)  # state attr -> factory
    outbox: Reference | None = None  # outbox model: shopkit adds its relay job and admin routes
    # `(settings, signer) -> AccountCheck` for routes taking user tokens (shopkit.auth)
    account_check: Reference = REMOTE_ACCOUNT_CHECK
    configure: Reference | None = None  # `(app) -> None`: mounts and the like, run once
    openapi_tags: tuple[Mapping[str, str], ...] = ()
    version: str = "0.1.0"
    # Services whose API (and demo data) this one needs first: start and seed order.
    depends_on: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        package = self.package or self.name.replace("-", "_")
        conventions = {
            "title": self.name.replace("-", " ").title(),
            "package": package,
            "database": package,
            "settings": f"{package}.core.config:Settings",
            "models": f"{package}.models:Base",
            "routers": f"{package}.api:routers",
        }
        for field_name, value in conventions.items():
            if not getattr(self, field_name):
                object.__setattr__(self, field_name, value)  # frozen: only while it is built

    @property
    def env_prefix(self) -> str:
        """ "CATALOG" of CATALOG_DATABASE_URL: the others reach this service at <prefix>_URL."""
        return self.database_env.removesuffix("_DATABASE_URL")

    @property
    def app_path(self) -> str:
        """What uvicorn runs (with --factory)."""
        return f"{self.package}.main:create_app"

    def settings_class(self) -> type[ServiceSettings]:
        settings_cls: type[ServiceSettings] = resolve(self.settings)
        return settings_cls

    def summary(self) -> dict[str, Any]:
        """What scripts need to know, without importing the service's code."""
        return {
            "name": self.name,
            "package": self.package,
            "port": self.port,
            "database": self.database,
            "database_env": self.database_env,
            "url_env": f"{self.env_prefix}_URL",
            "app": self.app_path,
            "depends_on": list(self.depends_on),
        }

    def create_app(self, settings: ServiceSettings | None = None) -> FastAPI:
        from shopkit.app import build_app  # the app's imports are not the registry's

        return build_app(self, settings)

    def run_migrations(self) -> None:
        """The body of the service's `migrations/env.py`."""
        from shopkit.migrations import run_migrations

        run_migrations(
            target_metadata=resolve(self.models).metadata, settings=self.settings_class()
        )
