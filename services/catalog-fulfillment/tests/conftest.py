import uuid

import pytest
import respx
from catalog_fulfillment.service import SERVICE
from shopkit.testing import LiveService, declared_service_fixture

from tests.factories import arrange_product
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
def live_catalog(live_processes, fresh_database):  # type: ignore[no-untyped-def]
    """`await live_catalog(name, stock, **env)`: the catalog as a real uvicorn process on a
    fresh database holding one product with `stock` (sku -> on hand), relay off."""

    async def start(name: str, stock: dict[str, int] | None = None, **env: str) -> LiveService:
        url = await fresh_database(name)
        if stock:
            await arrange_product(url, stock)
        return live_processes.start(
            "catalog",
            "catalog_fulfillment.main:create_app",
            env={"CATALOG_DATABASE_URL": url, "OUTBOX_RELAY_ENABLED": "false", **env},
        )

    return start


@pytest.fixture
def identity():  # type: ignore[no-untyped-def]
    """identity-commerce's HTTP edge, answered by respx routes the test sets up."""
    with respx.mock(base_url=IDENTITY, assert_all_called=False) as router:
        yield router
