"""Production refuses Stripe stand-ins and dev keys (core/config.py)."""

from pathlib import Path

import pytest
from identity_commerce.core.config import Settings
from shopkit.testing.tokens import write_operator_key

REAL = {
    "stripe_api_base": "https://api.stripe.com",
    "stripe_secret_key": "sk_live_realistic",
    "stripe_webhook_secret": "whsec_realistic",
}


def production(tmp_path: Path, **overrides: str) -> Settings:
    if not (tmp_path / "identity-commerce.key").exists():
        write_operator_key(tmp_path, "identity-commerce")
    return Settings(
        env="production",
        keys_dir=tmp_path,
        cors_origins=["https://shop.example"],
        pgpassword="a-real-database-password",
        **{**REAL, **overrides},  # type: ignore[arg-type]
    )


def test_production_with_real_stripe_settings_starts(tmp_path: Path) -> None:
    assert production(tmp_path).stripe_api_base == "https://api.stripe.com"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stripe_api_base", "http://127.0.0.1:8420"),
        ("stripe_secret_key", "sk_test_dev_shop"),
        ("stripe_webhook_secret", "whsec_dev_shop"),
    ],
)
def test_production_refuses_localstripe_and_dev_stripe_secrets(
    tmp_path: Path, field: str, value: str
) -> None:
    with pytest.raises(ValueError, match="STRIPE"):
        production(tmp_path, **{field: value})


def test_dev_defaults_are_localstripe_and_a_15_minute_hold() -> None:
    fields = Settings.model_fields
    assert fields["stripe_api_base"].default == "http://127.0.0.1:8420"
    assert fields["reservation_ttl_seconds"].default == 900
