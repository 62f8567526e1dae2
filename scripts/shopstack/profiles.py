"""Profile data: the services the shop is made of and the ways to run it. Data only.

Everything else in the launcher reads the service list from here (start order, migrations,
seeds, keys, the banner); the list itself is the services' declarations (shopkit.services),
so a declared service is in the launcher with nothing to add.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shopkit.services import registered_services

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = REPO_ROOT / "services"
FRONTEND_DIR = REPO_ROOT / "frontend"
RUN_DIR = REPO_ROOT / ".run"
DATA_DIR = REPO_ROOT / ".data"


@dataclass(frozen=True)
class ServiceSpec:
    name: str  # folder under services/, process and key name
    package: str  # uvicorn <package>.main:create_app
    port_key: str  # its entry in Profile.ports and the <PORT_KEY>_URL it is reached at
    database_env: str  # the variable its database URL is given in
    dev_port: int  # its port in the dev profile; the others shift it

    @property
    def folder(self) -> Path:
        return SERVICES_DIR / self.name

    @property
    def app_path(self) -> str:
        return f"{self.package}.main:create_app"


# Start, migration and seed order: each service after those it declares it depends on
# (identity's seed reads the catalog's data), then by name.
SERVICES: tuple[ServiceSpec, ...] = tuple(
    ServiceSpec(s.name, s.package, s.env_prefix.lower(), s.database_env, s.port)
    for s in registered_services()
)
DEV_PORT_BASE = 8000
# Not services, but ports of every profile
STRIPE_PORT_KEY = "stripe"
FRONTEND_PORT_KEY = "frontend"

WEBHOOK_HOOK = SERVICES_DIR / "identity-commerce" / "scripts" / "register_stripe_webhook.py"

DEMO_LOGINS = [
    ("admin", "admin@example.com", "Admin@123"),
    ("customer", "alice@example.com", "Alice@123"),
    ("customer", "bob@example.com", "Bob@123"),
]

# Dev values for the third-party keys (see docs/contracts.md); `.env`/environment win.
STRIPE_DEFAULTS = {
    "STRIPE_SECRET_KEY": "sk_test_dev_shop",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_dev_shop",
    "STRIPE_WEBHOOK_SECRET": "whsec_dev_shop",
}


@dataclass(frozen=True)
class Profile:
    name: str
    ports: dict[str, int]  # port key -> port; 0: any free port, chosen when the stack loads
    db_prefix: str
    fresh_databases: bool
    frontend_mode: str  # "dev" (vite dev server) | "preview" (build, then vite preview) | "none"
    catalog_seed_args: tuple[str, ...] = ()
    seed: bool = True  # load the demo data after the migrations
    # extra environment per service name ("*": every service), over the stack's own
    service_env: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # More than one: each service runs this many processes behind HAProxy (shopstack/
    # balancer.py), each applying the migrations as it starts; the seeds run afterwards.
    replicas: int = 1


def _ports(base: int, frontend: int) -> dict[str, int]:
    return {
        **{s.port_key: base + s.dev_port - DEV_PORT_BASE for s in SERVICES},
        STRIPE_PORT_KEY: base + 420,
        FRONTEND_PORT_KEY: frontend,
    }


# The profiles `stack.py --profile` offers.
PROFILES: dict[str, Profile] = {
    "dev": Profile(
        "dev", _ports(8000, 5173), db_prefix="ecom", fresh_databases=False, frontend_mode="dev"
    ),
    "e2e": Profile(
        "e2e", _ports(18000, 15173), db_prefix="e2e", fresh_databases=True, frontend_mode="preview"
    ),
    "bench": Profile(
        "bench",
        _ports(28000, 25173),
        db_prefix="bench",
        fresh_databases=True,
        frontend_mode="preview",
    ),
    "scale": Profile(
        "scale",
        {**_ports(24000, 23173), "balancer": 24900},  # HAProxy's statistics page
        db_prefix="scale",
        fresh_databases=True,
        frontend_mode="preview",
        replicas=2,
        # the replicas believe X-Forwarded-For from the balancer (on loopback) only
        service_env={"*": {"FORWARDED_ALLOW_IPS": "127.0.0.1/32"}},
    ),
}

# The whole-shop acceptance tests (tests/acceptance): free ports and a database prefix of
# their own per run, so runs side by side never meet; no demo data (each test arranges its
# own); quick background jobs, so waiting for the outbox or a sweeper takes a second.
ACCEPTANCE_WEBHOOK_SECRET = "whsec_test_acceptance"
ACCEPTANCE = Profile(
    "acceptance",
    dict.fromkeys(_ports(0, 0), 0),
    db_prefix="acc",
    fresh_databases=True,
    frontend_mode="none",
    seed=False,
    service_env={
        "*": {"ENV": "test", "LOG_JSON": "true"},
        "identity-commerce": {
            "STRIPE_WEBHOOK_SECRET": ACCEPTANCE_WEBHOOK_SECRET,
            "OUTBOX_POLL_SECONDS": "0.2",
            "ORDER_EXPIRY_SWEEP_SECONDS": "0.5",
            "ORDER_EXPIRY_RETRY_BASE_SECONDS": "1",
            "ORDER_EXPIRY_RETRY_MAX_SECONDS": "2",
            "ORDER_FOLLOWUP_POLL_SECONDS": "0.5",
            "ORDER_FOLLOWUP_RETRY_BASE_SECONDS": "1",
            "ORDER_FOLLOWUP_RETRY_MAX_SECONDS": "2",
            "HTTP_TIMEOUT_SECONDS": "5",
            "STRIPE_MAX_NETWORK_RETRIES": "0",
        },
        "catalog-fulfillment": {"LISTING_CACHE_SECONDS": "0", "OUTBOX_POLL_SECONDS": "0.5"},
        "notifications": {"NOTIFY_EMAIL_PROVIDER": "file", "NOTIFY_SMS_PROVIDER": "file"},
    },
)


def service(name: str) -> ServiceSpec:
    return next(spec for spec in SERVICES if spec.name == name)
