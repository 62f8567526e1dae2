"""Production refuses the development keys and secrets; lists read as comma-separated text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from shopkit.settings import DEV_KEYS_DIR, CommaSeparated, ServiceSettings, postgres_url
from shopkit.testing.tokens import write_operator_key


class WithSecret(ServiceSettings):
    webhook_secret: str = "dev-webhook-secret"

    def secret_values(self) -> dict[str, str]:
        return {"webhook_secret": self.webhook_secret}


class WithList(ServiceSettings):
    relays: CommaSeparated = []


def test_a_comma_separated_list_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELAYS", " a.example, ,b.example ,")
    assert WithList().relays == ["a.example", "b.example"]
    monkeypatch.setenv("RELAYS", "")
    assert WithList().relays == []
    assert WithList(relays=["c.example"]).relays == ["c.example"]


def test_development_accepts_the_defaults() -> None:
    assert WithSecret().keys_dir == DEV_KEYS_DIR


def test_production_refuses_dev_keys_secrets_and_local_origins() -> None:
    with pytest.raises(ValidationError) as caught:
        WithSecret(env="production")
    message = str(caught.value)
    assert "KEYS_DIR" in message
    assert "WEBHOOK_SECRET" in message
    assert "CORS_ORIGINS" in message


def test_production_starts_with_real_settings(tmp_path: Path) -> None:
    write_operator_key(tmp_path, "service")
    settings = WithSecret(
        env="production",
        keys_dir=tmp_path,
        webhook_secret="whsec_live_value",
        cors_origins=["https://shop.example.com"],
        pgpassword="a-real-database-password",
    )
    assert settings.is_production


def test_socket_hosts_build_socket_urls() -> None:
    url = postgres_url("db", host="/run/pg", port=5433, user="u", password="p w")
    assert url == "postgresql+psycopg://u:p%20w@/db?host=/run/pg&port=5433"
    assert postgres_url("db", host="h", port=1, user="u", password="") == (
        "postgresql+psycopg://u@h:1/db"
    )
