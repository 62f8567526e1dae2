"""The whole shop as real processes on free ports, on throwaway databases.

Used by the system tests (event delivery across services, faults, security sweeps): every
service under uvicorn, localstripe in memory, each service on its own freshly migrated
database, all sharing one key folder so their tokens verify each other.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from shopkit.settings import ServiceSettings
from shopkit.testing.database import create_database, drop_database, migrate
from shopkit.testing.live import LiveService, free_port, start_process, uvicorn_argv
from shopkit.testing.tokens import TokenFactory

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_system_tests"
SERVICES = {
    # name: (package, database env, alembic folder)
    "identity": ("identity_commerce", "IDENTITY_DATABASE_URL", "identity-commerce"),
    "catalog": ("catalog_fulfillment", "CATALOG_DATABASE_URL", "catalog-fulfillment"),
    "notifications": ("notifications", "NOTIFICATIONS_DATABASE_URL", "notifications"),
}


@dataclass
class Stack:
    """Handles to every process plus the URLs and tokens a test needs."""

    work_dir: Path
    keys_dir: Path
    tokens: TokenFactory
    ports: dict[str, int] = field(default_factory=dict)
    database_urls: dict[str, str] = field(default_factory=dict)
    processes: dict[str, LiveService] = field(default_factory=dict)
    database_names: list[str] = field(default_factory=list)
    server_url: str = ""

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def identity(self) -> str:
        return self.url("identity")

    @property
    def catalog(self) -> str:
        return self.url("catalog")

    @property
    def notifications(self) -> str:
        return self.url("notifications")

    @property
    def stripe(self) -> str:
        return self.url("stripe")

    @property
    def mail_dir(self) -> Path:
        return self.work_dir / "mail"

    def env(self) -> dict[str, str]:
        return {
            "ENV": "test",
            "KEYS_DIR": str(self.keys_dir),
            "IDENTITY_URL": self.identity,
            "CATALOG_URL": self.catalog,
            "NOTIFICATIONS_URL": self.notifications,
            "STRIPE_API_BASE": self.stripe,
            "STRIPE_SECRET_KEY": "sk_test_system",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_system",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "OUTBOX_POLL_SECONDS": "0.2",
            "OUTBOX_BACKOFF_BASE_SECONDS": "0.2",
            "OUTBOX_BACKOFF_MAX_SECONDS": "2",
            "NOTIFY_PROVIDER": "file",
            "NOTIFY_FILE_DIR": str(self.mail_dir),
            "LOG_JSON": "true",
            **{env: self.database_urls[name] for name, (_, env, _) in SERVICES.items()},
        }

    def process(self, name: str, extra_env: dict[str, str] | None = None) -> LiveService:
        if name == "stripe":
            argv = [
                sys.executable,
                "-m",
                "shopkit.testing.localstripe",
                "--port",
                str(self.ports[name]),
            ]
            health = "/js.stripe.com/v3/"
        else:
            package = SERVICES[name][0]
            argv = uvicorn_argv(f"{package}.main:create_app", self.ports[name])
            health = "/health/ready"
        return start_process(
            name,
            argv,
            port=self.ports[name],
            env={**self.env(), **(extra_env or {})},
            health_path=health,
            log_dir=self.work_dir,
            start=False,
        )

    def start(self, name: str, extra_env: dict[str, str] | None = None) -> LiveService:
        service = self.process(name, extra_env)
        self.processes[name] = service.start(timeout=60)
        return service

    def stop(self, name: str) -> None:
        if name in self.processes:
            self.processes.pop(name).stop()

    def register_webhook(self) -> None:
        response = httpx.post(
            f"{self.stripe}/_config/webhooks/system",
            data={"url": f"{self.identity}/payments/webhook", "secret": WEBHOOK_SECRET},
            timeout=10,
        )
        response.raise_for_status()

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.work_dir / f"{name}.log"
        return path.read_text()[-chars:] if path.exists() else ""

    def shutdown(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        for database in self.database_names:
            drop_database(self.server_url, database)


def build_stack(
    work_dir: Path, *, start: tuple[str, ...] = ("stripe", "notifications", "catalog", "identity")
) -> Stack:
    keys_dir = work_dir / "keys"
    defaults = ServiceSettings()
    stack = Stack(
        work_dir=work_dir,
        keys_dir=keys_dir,
        tokens=TokenFactory(keys_dir, issuer=defaults.jwt_issuer, audience=defaults.jwt_audience),
        server_url=defaults.sqlalchemy_url,
    )
    stamp = f"{int(time.time() * 1000) % 10**9}"
    for name, (package, _, folder) in SERVICES.items():
        database = f"test_sys_{package}_{stamp}"
        stack.database_urls[name] = create_database(stack.server_url, database)
        stack.database_names.append(database)
        migrate(ROOT / "services" / folder / "alembic.ini", stack.database_urls[name])
    stack.ports = {name: free_port() for name in ("stripe", *SERVICES)}
    try:
        for name in start:
            stack.start(name)
        if "stripe" in start and "identity" in start:
            stack.register_webhook()
    except Exception:
        stack.shutdown()
        raise
    return stack


def bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
