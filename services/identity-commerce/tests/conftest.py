import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from identity_commerce.service import SERVICE
from shopkit.testing import declared_service_fixture
from shopkit.testing.database import create_database, drop_database, migrate
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import Shopper, auth, make_user

CATALOG_ROOT = Path(__file__).resolve().parents[3] / "services" / "catalog-fulfillment"


service_under_test = declared_service_fixture(
    SERVICE,
    settings_overrides={
        # In-process tests share one connection with the test; a background sweeper
        # would race it. Expiry is exercised directly and in live-process tests.
        "order_expiry_sweeper_enabled": False,
        "order_followups_enabled": False,
    },
)


@pytest.fixture
async def shopper(db_session: AsyncSession, tokens: TokenFactory) -> Shopper:
    """A customer in the test database and the headers that sign it in."""
    user = await make_user(db_session)
    return user, auth(tokens, user)


@pytest.fixture
def catalog_database(settings: Any) -> Iterator[str]:
    """A throwaway database with catalog-fulfillment's own migrations, for the tests that run
    the catalog as a second process (ask for it before live_processes: it is dropped only
    after the processes stopped)."""
    server = settings.sqlalchemy_url
    name = f"test_ic_catalog_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = create_database(server, name)
    try:
        migrate(CATALOG_ROOT / "alembic.ini", url)
        yield url
    finally:
        drop_database(server, name)
