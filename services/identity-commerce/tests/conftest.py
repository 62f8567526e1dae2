from pathlib import Path

import pytest
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from shopkit.testing import ServiceUnderTest

SERVICE_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="identity_commerce",
        alembic_ini=SERVICE_ROOT / "alembic.ini",
        settings_cls=Settings,
        app_factory=create_app,  # type: ignore[arg-type]
        app_path="identity_commerce.main:create_app",
        database_env="IDENTITY_DATABASE_URL",
        settings_overrides={
            # In-process tests share one connection with the test; a background sweeper
            # would race it. Expiry is exercised directly and in live-process tests.
            "order_expiry_sweeper_enabled": False,
            "order_followups_enabled": False,
        },
    )
