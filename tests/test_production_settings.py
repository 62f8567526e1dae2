"""With ENV=production the services refuse to start on dev keys, dev secrets or dev origins."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from catalog_fulfillment.core.config import Settings as CatalogSettings
from identity_commerce.core.config import Settings as IdentitySettings
from notifications.core.config import Settings as NotificationsSettings
from pydantic import ValidationError
from shopkit.settings import DEV_KEYS_DIR, ServiceSettings
from shopkit.testing.live import free_port, uvicorn_argv

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
            var.startswith(("STRIPE_", "SMTP_", "NOTIFY_", "CORS_", "KEYS_", "ARGON2_"))
            or var == "ENV"
        ):
            monkeypatch.delenv(var)


def production_values(tmp_path: Path, package: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "env": "production",
        "keys_dir": tmp_path / "keys",
        "cors_origins": ["https://shop.example.com"],
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
