from pathlib import Path

import pytest
from notifications.service import SERVICE
from shopkit.testing import ServiceUnderTest
from shopkit.testing.database import TestDatabases


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the file provider of the in-process app writes (.eml / .json per message)."""
    return tmp_path_factory.mktemp("outbox-mail")


@pytest.fixture(scope="session")
def service_under_test(mail_dir: Path) -> ServiceUnderTest:
    return ServiceUnderTest.declared(
        SERVICE,
        settings_overrides={
            "email_provider": "file",
            "sms_provider": "file",
            "file_dir": mail_dir,
            "admin_emails": ["ops@shop.test", "buyer@shop.test"],
            "shop_url": "https://shop.test",
        },
    )


@pytest.fixture
async def clone_database(test_databases: TestDatabases):  # type: ignore[no-untyped-def]
    """`await clone_database("name")`: a fresh migrated database for code that commits for
    real (a copy of the untouched template shopkit keeps beside the test database)."""

    async def clone(suffix: str) -> str:
        return test_databases.clone(suffix)

    return clone
