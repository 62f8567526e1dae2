from pathlib import Path

import pytest
from notifications.core.config import Settings
from notifications.main import create_app
from shopkit.testing import ServiceUnderTest

SERVICE_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="notifications",
        alembic_ini=SERVICE_ROOT / "alembic.ini",
        settings_cls=Settings,
        app_factory=create_app,  # type: ignore[arg-type]
        app_path="notifications.main:create_app",
        database_env="NOTIFICATIONS_DATABASE_URL",
    )
