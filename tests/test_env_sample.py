""".env.sample documents every setting of every service with its (safe) dev default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from catalog_fulfillment.core.config import Settings as CatalogSettings
from identity_commerce.core.config import Settings as IdentitySettings
from notifications.core.config import Settings as NotificationsSettings
from pydantic import AliasChoices
from shopkit.settings import ServiceSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / ".env.sample"
SETTINGS: list[type[ServiceSettings]] = [IdentitySettings, CatalogSettings, NotificationsSettings]
NOT_CONFIGURATION = {"service_name", "default_database"}  # fixed per service, not settings


def env_names(cls: type[ServiceSettings]) -> dict[str, str]:
    """field -> the environment variable that sets it."""
    names = {}
    for field_name, info in cls.model_fields.items():
        if field_name in NOT_CONFIGURATION:
            continue
        alias = info.validation_alias or info.alias
        if isinstance(alias, AliasChoices):
            alias = alias.choices[0]
        names[field_name] = str(alias or field_name).upper()
    return names


def sample_entries() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, commented out)."""
    entries = {}
    for line in SAMPLE.read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            entries[match.group(2)] = (match.group(3), bool(match.group(1)))
    return entries


@pytest.mark.parametrize("settings_cls", SETTINGS, ids=lambda c: c.__module__.split(".")[0])
def test_every_setting_is_listed(settings_cls: type[ServiceSettings]) -> None:
    entries = sample_entries()
    missing = sorted(set(env_names(settings_cls).values()) - set(entries))
    assert not missing, f".env.sample lacks {missing} ({settings_cls.__module__})"


@pytest.mark.parametrize("settings_cls", SETTINGS, ids=lambda c: c.__module__.split(".")[0])
def test_the_sample_as_dotenv_gives_the_dev_defaults(
    settings_cls: type[ServiceSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cp .env.sample .env` changes nothing: every listed value parses and equals the
    default (so the sample can't drift from the code or carry a typo)."""
    names = set(env_names(settings_cls).values())
    for var in list(__import__("os").environ):
        if var.upper() in names or var.upper().endswith("_DATABASE_URL"):
            monkeypatch.delenv(var)
    from_sample = settings_cls(_env_file=str(SAMPLE))  # type: ignore[call-arg]
    defaults = settings_cls(_env_file=None)  # type: ignore[call-arg]
    entries = sample_entries()
    for field_name, var in env_names(settings_cls).items():
        value, commented = entries[var]
        if commented:
            continue
        assert getattr(from_sample, field_name) == getattr(defaults, field_name), (
            f"{var}={value} in .env.sample differs from the default"
        )


def test_database_location_is_left_to_discovery() -> None:
    """Uncommented PG*/URL lines would stop `make dev` from finding the embedded server."""
    entries = sample_entries()
    for var in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "KEYS_DIR"):
        assert entries[var][1], f"{var} must stay commented out in .env.sample"
    for var in ("IDENTITY_DATABASE_URL", "CATALOG_DATABASE_URL", "NOTIFICATIONS_DATABASE_URL"):
        assert entries[var][1]


def test_every_variable_has_a_comment_nearby() -> None:
    """Each group of settings is explained: no variable more than 6 lines below a comment."""
    lines = SAMPLE.read_text().splitlines()
    last_comment = -100
    for number, line in enumerate(lines):
        if line.startswith("#") and not re.match(r"^#\s*[A-Z][A-Z0-9_]*=", line):
            last_comment = number
        elif re.match(r"^[A-Z][A-Z0-9_]*=", line):
            assert number - last_comment <= 6, f"line {number + 1} ({line}) has no explanation"
