"""One profile made concrete: its ports, its PostgreSQL server, its folders, and the
environment every process of the stack (services, migrations, seeds, hooks, the command of
`stack.py run`) is given."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pg  # scripts/pg.py: where PostgreSQL is, and the databases' names

from shopstack.profiles import (
    DATA_DIR,
    FRONTEND_PORT_KEY,
    PROFILES,
    REPO_ROOT,
    RUN_DIR,
    SERVICES,
    STRIPE_DEFAULTS,
    STRIPE_PORT_KEY,
    Profile,
    ServiceSpec,
)
from shopstack.supervisor import free_port

# how to run a service other than plain uvicorn: (service, process name, port) -> argv
Runner = Callable[[ServiceSpec, str, int], list[str]]


def choose_ports(profile: Profile, offset: int = 0) -> dict[str, int]:
    """The profile's ports shifted by `offset`; a port of 0 becomes a free one."""
    return {key: port + offset if port else free_port() for key, port in profile.ports.items()}


def setting(name: str, default: str) -> str:
    """A value as the services see it: the environment, then the repository's .env."""
    return os.environ.get(name) or pg.read_dotenv(REPO_ROOT / ".env").get(name) or default


@dataclass
class Stack:
    profile: Profile
    server: pg.Server
    ports: dict[str, int]
    frontend_mode: str
    show_logs: bool
    catalog_seed_args: list[str]
    frontend_started: bool = False
    # Folders: by default .run/<profile>/ (logs, pids, frontend build) and .data/<profile>/
    # (keys, sent mail); the acceptance tests put them in their temporary folders.
    run_dir: Path = field(default=Path())
    data_dir: Path = field(default=Path())
    keys_folder: Path | None = None
    runner: Runner | None = None

    def __post_init__(self) -> None:
        name = self.profile.name
        standard = PROFILES.get(name)
        if standard is not None and self.profile.db_prefix != standard.db_prefix:
            name = f"{name}-{self.profile.db_prefix}"  # a second stack of the same profile
        if self.run_dir == Path():
            self.run_dir = RUN_DIR / name
        if self.data_dir == Path():
            self.data_dir = DATA_DIR / name

    def url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.ports[key]}"

    @property
    def logs_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def frontend_origins(self) -> list[str]:
        port = self.ports[FRONTEND_PORT_KEY]
        return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]

    @property
    def keys_dir(self) -> Path:
        if self.keys_folder is not None:
            return self.keys_folder
        # dev uses the services' key folder (KEYS_DIR, default .keys); others keep their own
        if self.profile.name == "dev":
            return (REPO_ROOT / setting("KEYS_DIR", ".keys")).resolve()
        return self.data_dir / "keys"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "outbox-mail"

    def database_urls(self) -> dict[str, str]:
        return pg.database_urls(self.server, self.profile.db_prefix)

    def public_env(self) -> dict[str, str]:
        """What a command run against the stack needs: URLs (plain and VITE_) and locations."""
        stripe_keys = {k: setting(k, v) for k, v in STRIPE_DEFAULTS.items()}
        urls = {
            **{f"{spec.port_key.upper()}_URL": self.url(spec.port_key) for spec in SERVICES},
            "STRIPE_URL": self.url(STRIPE_PORT_KEY),
            "FRONTEND_URL": f"http://127.0.0.1:{self.ports[FRONTEND_PORT_KEY]}",
        }
        env = {
            **urls,
            **{f"VITE_{k}": v for k, v in urls.items()},
            "VITE_STRIPE_PUBLISHABLE_KEY": stripe_keys["STRIPE_PUBLISHABLE_KEY"],
            # localstripe serves its Stripe.js stand-in under this path
            "VITE_STRIPE_JS_URL": f"{urls['STRIPE_URL']}/js.stripe.com/v3/",
            "STACK_PROFILE": self.profile.name,
            "KEYS_DIR": str(self.keys_dir),
            # the notification file provider writes one .eml/.json per message here
            "NOTIFY_FILE_DIR": str(self.mail_dir),
            **self.database_urls(),
            **self.server.env(),
        }
        return env

    def service_env(self, service: str | None = None) -> dict[str, str]:
        """Environment for the services, migrations, seeds and hooks; with `service`, also
        what the profile sets for that service alone."""
        stripe_keys = {k: setting(k, v) for k, v in STRIPE_DEFAULTS.items()}
        env = {
            **os.environ,
            **self.public_env(),
            **stripe_keys,
            "STRIPE_API_BASE": self.url(STRIPE_PORT_KEY),
            "CORS_ORIGINS": json.dumps(self.frontend_origins),
            # links in notifications and image URLs must point at this stack
            "NOTIFY_SHOP_URL": f"http://localhost:{self.ports[FRONTEND_PORT_KEY]}",
            "CATALOG_PUBLIC_URL": self.url("catalog"),
            "PYTHONUNBUFFERED": "1",
            **self.profile.service_env.get("*", {}),
        }
        if service is not None:
            env.update(self.profile.service_env.get(service, {}))
        return env
