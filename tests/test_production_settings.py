"""With ENV=production the services refuse to start on dev keys, dev secrets, dev database
passwords, notification providers that deliver nothing, or dev origins; and the seed scripts
refuse to load demo data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from catalog_fulfillment.core.config import Settings as CatalogSettings
from identity_commerce.core.config import Settings as IdentitySettings
from notifications.core.config import Settings as NotificationsSettings
from pydantic import ValidationError
from shopkit.settings import DEV_KEYS_DIR, ServiceSettings
from shopkit.testing.live import free_port, uvicorn_argv
from shopkit.testing.tokens import write_operator_key
from shopkit.tokens import ensure_dev_key

REPO_ROOT = Path(__file__).resolve().parents[1]
SETTINGS: dict[str, type[ServiceSettings]] = {
    "identity_commerce": IdentitySettings,
    "catalog_fulfillment": CatalogSettings,
    "notifications": NotificationsSettings,
}
REFUSAL = "refusing to start in production"


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test passes counts (not the developer's shell or .env)."""
    for var in list(os.environ):
        if (
            var.startswith(("STRIPE_", "SMTP_", "NOTIFY_", "CORS_", "KEYS_", "ARGON2_", "PG"))
            or var.endswith("_DATABASE_URL")
            or var in ("ENV", "PUBLIC_KEYS_DIR")
        ):
            monkeypatch.delenv(var)


SERVICE_NAMES = {
    "identity_commerce": "identity-commerce",
    "catalog_fulfillment": "catalog-fulfillment",
    "notifications": "notifications",
}


def production_values(tmp_path: Path, package: str) -> dict[str, Any]:
    keys = tmp_path / "keys"
    if not (keys / f"{SERVICE_NAMES[package]}.key").exists():
        write_operator_key(keys, SERVICE_NAMES[package])
    values: dict[str, Any] = {
        "env": "production",
        "keys_dir": keys,
        "cors_origins": ["https://shop.example.com"],
        "pgpassword": "a-long-random-database-password",
    }
    if package == "identity_commerce":
        values |= {
            "stripe_api_base": "https://api.stripe.com",
            "stripe_secret_key": "sk_live_" + "51realkeyfromthedashboard",
            "stripe_webhook_secret": "whsec_realsecretfromthedashboard",
        }
    if package == "notifications":
        values |= {
            "email_provider": "smtp",
            "sms_provider": "off",
            "smtp_host": "smtp.example.com",
            "smtp_username": "shop",
            "smtp_password": "a-long-random-relay-password",
        }
    return values


def build(package: str, **values: Any) -> ServiceSettings:
    return SETTINGS[package](_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("package", SETTINGS)
def test_dev_defaults_are_refused_in_production(package: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build(package, env="production")
    message = str(caught.value)
    assert REFUSAL in message
    assert "KEYS_DIR" in message
    assert "CORS_ORIGINS" in message


@pytest.mark.parametrize("package", SETTINGS)
def test_real_production_configuration_is_accepted(package: str, tmp_path: Path) -> None:
    settings = build(package, **production_values(tmp_path, package))
    assert settings.is_production


@pytest.mark.parametrize("package", SETTINGS)
def test_dev_defaults_are_fine_outside_production(package: str) -> None:
    for env in ("development", "test"):
        assert build(package, env=env).keys_dir == DEV_KEYS_DIR


# Each dev leftover alone is enough to refuse.
SINGLE_LEFTOVERS = [
    ("identity_commerce", {"keys_dir": DEV_KEYS_DIR}, "KEYS_DIR"),
    ("catalog_fulfillment", {"keys_dir": DEV_KEYS_DIR}, "KEYS_DIR"),
    ("notifications", {"keys_dir": DEV_KEYS_DIR}, "KEYS_DIR"),
    ("catalog_fulfillment", {"cors_origins": ["http://localhost:5173"]}, "CORS_ORIGINS"),
    ("identity_commerce", {"cors_origins": ["https://x.example", "http://127.0.0.1:5173"]}, "CORS"),
    ("identity_commerce", {"stripe_secret_key": "sk_test_dev_shop"}, "STRIPE_SECRET_KEY"),
    ("identity_commerce", {"stripe_webhook_secret": "whsec_dev_shop"}, "STRIPE_WEBHOOK_SECRET"),
    ("identity_commerce", {"stripe_api_base": "http://127.0.0.1:8420"}, "STRIPE_API_BASE"),
    ("identity_commerce", {"argon2_memory_cost_kib": 1024}, "ARGON2_MEMORY_COST_KIB"),
    # OWASP's floor depends on the iterations: one pass needs 46 MiB, not 19 MiB.
    (
        "identity_commerce",
        {"argon2_time_cost": 1, "argon2_memory_cost_kib": 19_456},
        "ARGON2_MEMORY_COST_KIB >= 47104",
    ),
    ("catalog_fulfillment", {"public_keys_dir": DEV_KEYS_DIR}, "PUBLIC_KEYS_DIR"),
    ("notifications", {"smtp_password": "dev-smtp"}, "SMTP_PASSWORD"),
    ("notifications", {"smtp_password": ""}, "SMTP_PASSWORD"),
    # Database passwords: the dev default (none), compose's and the local cluster's.
    ("catalog_fulfillment", {"pgpassword": ""}, "PGPASSWORD"),
    ("identity_commerce", {"pgpassword": "dev-postgres"}, "PGPASSWORD"),
    ("notifications", {"pgpassword": "postgres"}, "PGPASSWORD"),
    (
        "identity_commerce",
        {"database_url": "postgresql+psycopg://identity_commerce:dev-identity-commerce@db/x"},
        "the database URL's password",
    ),
    ("catalog_fulfillment", {"database_url": "postgresql+psycopg://app@db/x"}, "database URL"),
    # Providers that deliver nothing to a customer.
    ("notifications", {"email_provider": "file"}, "NOTIFY_EMAIL_PROVIDER=file"),
    ("notifications", {"email_provider": "console"}, "NOTIFY_EMAIL_PROVIDER=console"),
    ("notifications", {"sms_provider": "file"}, "NOTIFY_SMS_PROVIDER=file"),
    ("notifications", {"sms_provider": "console"}, "NOTIFY_SMS_PROVIDER=console"),
]


@pytest.mark.parametrize(
    ("time_cost", "memory_kib"), [(1, 47_104), (2, 19_456), (3, 12_288), (4, 9_216), (6, 7_168)]
)
def test_argon2_at_owasps_floor_is_accepted(
    time_cost: int, memory_kib: int, tmp_path: Path
) -> None:
    values = production_values(tmp_path, "identity_commerce") | {
        "argon2_time_cost": time_cost,
        "argon2_memory_cost_kib": memory_kib,
        "argon2_parallelism": 1,
    }
    assert build("identity_commerce", **values).is_production
    with pytest.raises(ValidationError, match=REFUSAL):
        build("identity_commerce", **(values | {"argon2_memory_cost_kib": memory_kib - 1}))


@pytest.mark.parametrize(("package", "leftover", "named"), SINGLE_LEFTOVERS)
def test_a_single_dev_leftover_is_refused(
    package: str, leftover: dict[str, Any], named: str, tmp_path: Path
) -> None:
    values = production_values(tmp_path, package) | leftover
    with pytest.raises(ValidationError) as caught:
        build(package, **values)
    assert REFUSAL in str(caught.value)
    assert named in str(caught.value)


def test_a_database_url_with_a_real_password_or_a_client_certificate_is_accepted(
    tmp_path: Path,
) -> None:
    values = production_values(tmp_path, "catalog_fulfillment") | {"pgpassword": ""}
    for url in (
        "postgresql+psycopg://app:s3cr3t-from-the-vault@db.internal/ecom_catalog_fulfillment",
        "postgresql+psycopg://app@db.internal/ecom?sslmode=verify-full&sslcert=/tls/app.crt",
    ):
        assert build("catalog_fulfillment", **(values | {"database_url": url})).is_production


@pytest.mark.parametrize("package", SETTINGS)
def test_a_dev_key_is_refused_by_its_fingerprint_wherever_it_was_copied(
    package: str, tmp_path: Path
) -> None:
    """The repository's generated key, copied out of `.keys` into a production folder,
    is still the dev key (a real key at the same place is accepted)."""
    service = SERVICE_NAMES[package]
    ensure_dev_key(DEV_KEYS_DIR, service)  # what `make dev` and the dev stack generate
    mounted = tmp_path / "etc-shop-keys"
    mounted.mkdir()
    shutil.copy(DEV_KEYS_DIR / f"{service}.key", mounted / f"{service}.key")
    values = production_values(tmp_path, package) | {"keys_dir": mounted}
    with pytest.raises(ValidationError) as caught:
        build(package, **values)
    assert REFUSAL in str(caught.value)
    assert f"KEYS_DIR/{service}.key is a generated dev key" in str(caught.value)

    write_operator_key(mounted, service)  # replaced by a real key at the same path
    assert build(package, **values).is_production


def test_keys_from_the_compose_key_generator_are_refused(tmp_path: Path) -> None:
    """docker-compose.yml's one-shot `keys` service (shopkit.keygen) fills a volume with dev
    keys; a production start on that volume is refused, whatever path it is mounted at."""
    volume = tmp_path / "identity-commerce-key"
    public = tmp_path / "public-keys"
    subprocess.run(
        [sys.executable, "-m", "shopkit.keygen", f"--public={public}"]
        + [f"identity-commerce={volume}", f"catalog-fulfillment={tmp_path / 'catalog-key'}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    values = production_values(tmp_path, "identity_commerce") | {"keys_dir": volume}
    with pytest.raises(ValidationError, match="KEYS_DIR/identity-commerce.key is a generated"):
        build("identity_commerce", **values)
    # A real own key, but the verifier's public keys still come from the generator.
    values |= {"keys_dir": tmp_path / "keys", "public_keys_dir": public}
    with pytest.raises(ValidationError, match="PUBLIC_KEYS_DIR/catalog-fulfillment.pub"):
        build("identity_commerce", **values)


@pytest.mark.parametrize("package", SETTINGS)
def test_a_missing_signing_key_is_refused_with_its_name(package: str, tmp_path: Path) -> None:
    values = production_values(tmp_path, package) | {"keys_dir": tmp_path / "empty"}
    with pytest.raises(ValidationError, match=f"KEYS_DIR has no readable {SERVICE_NAMES[package]}"):
        build(package, **values)


@pytest.mark.parametrize("service", ["identity-commerce", "catalog-fulfillment"])
def test_seed_scripts_refuse_production(service: str, tmp_path: Path) -> None:
    """`make seed`, SEED_ON_START and the dev stack all run these scripts: with
    ENV=production they stop before connecting anywhere (the database URL points at a port
    nobody listens on, so a seed that went ahead would fail differently)."""
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    env = {
        "PATH": os.environ["PATH"],
        "ENV": "production",
        "IDENTITY_DATABASE_URL": nowhere,
        "CATALOG_DATABASE_URL": nowhere,
    }
    result = subprocess.run(
        [sys.executable, "scripts/seed.py"],
        cwd=REPO_ROOT / "services" / service,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"refusing to seed {service} with ENV=production" in result.stderr
    assert "Traceback" not in result.stderr


ENTRYPOINT = REPO_ROOT / "docker" / "service-entrypoint.sh"


@pytest.mark.parametrize(
    ("env", "seed_on_start", "seeds"),
    [
        ("development", None, True),
        ("development", "", True),
        ("development", "false", False),
        ("production", None, False),
        ("production", "", False),
        ("test", None, False),
        ("test", "true", True),
    ],
)
def test_the_image_entrypoint_seeds_by_default_only_in_development(
    env: str, seed_on_start: str | None, seeds: bool, tmp_path: Path
) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "seed.py").write_text("print('demo data loaded')\n")
    variables = {"PATH": os.environ["PATH"], "ENV": env, "MIGRATE_ON_START": "false"}
    if seed_on_start is not None:
        variables["SEED_ON_START"] = seed_on_start
    python_dir = tmp_path / "bin"
    python_dir.mkdir()
    (python_dir / "python").symlink_to(sys.executable)
    variables["PATH"] = f"{python_dir}:{variables['PATH']}"
    result = subprocess.run(
        ["sh", str(ENTRYPOINT), "echo", "serving"],
        cwd=tmp_path,
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert ("demo data loaded" in result.stdout) is seeds
    assert result.stdout.strip().endswith("serving")


@pytest.mark.parametrize("package", SETTINGS)
def test_the_server_process_exits_instead_of_serving_with_dev_secrets(
    package: str, tmp_path: Path
) -> None:
    """What an operator sees: uvicorn stops at start with a clear reason, nothing listens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "KEYS_", "CORS_"))}
    env.update({"ENV": "production", "LOG_JSON": "false"})
    port = free_port()
    result = subprocess.run(
        uvicorn_argv(f"{package}.main:create_app", port),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert REFUSAL in result.stdout + result.stderr
