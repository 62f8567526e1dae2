import uuid

import pytest
import respx
from catalog_fulfillment.service import SERVICE
from shopkit.testing import declared_service_fixture

from tests.reviewing import IDENTITY

service_under_test = declared_service_fixture(
    SERVICE,
    settings_overrides={
        # In-process tests share one connection with the test; a background sweeper
        # would race it. The sweeper is exercised directly and in live-process tests.
        "reservation_sweeper_enabled": False,
        "review_recheck_enabled": False,
        # Listings must reflect what a test just arranged.
        "listing_cache_seconds": 0,
        "public_url": "http://catalog.test",
        # Outbound calls to identity-commerce are mocked with respx on this host.
        "identity_url": IDENTITY,
        "verified_purchase_retries": 2,
    },
)


@pytest.fixture
async def fresh_database(test_databases):  # type: ignore[no-untyped-def]
    """Clone the migrated test database for servers that commit for real."""

    async def clone(name: str) -> str:
        return test_databases.clone(f"{name}_{uuid.uuid4().hex[:6]}")

    return clone


@pytest.fixture
def identity():  # type: ignore[no-untyped-def]
    """identity-commerce's HTTP edge, answered by respx routes the test sets up."""
    with respx.mock(base_url=IDENTITY, assert_all_called=False) as router:
        yield router
