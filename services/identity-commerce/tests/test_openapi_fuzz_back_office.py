"""Schemathesis over the back office's customers, reports and exports with a real admin:
no 5xx, only declared statuses and shapes (CSV included), for valid and invalid requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import schemathesis
from identity_commerce.core.config import Settings
from shopkit.testing.database import TestDatabases
from shopkit.testing.fuzz import assert_openapi_contract
from shopkit.testing.tokens import TokenFactory

from .fuzzing import RealAdmin, paths_outside, promoted_admin, signed_in_app

BACK_OFFICE = ("/admin/customers", "/admin/reports", "/admin/exports")


@pytest.fixture
async def fuzz_app(
    test_databases: TestDatabases, settings: Settings
) -> AsyncIterator[tuple[Any, str]]:
    async with signed_in_app(
        test_databases=test_databases,
        settings=settings,
        email="back-office-fuzzer@example.com",
        order_expiry_sweeper_enabled=False,
    ) as app_and_token:
        yield app_and_token


async def test_openapi_contract_of_customers_reports_and_exports(
    fuzz_app: tuple[Any, str], tokens: TokenFactory
) -> None:
    app, _ = fuzz_app
    admin = RealAdmin(await promoted_admin(app, "back-office-fuzz-admin@example.com"), tokens)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    assert_openapi_contract(
        schema,
        admin,  # type: ignore[arg-type]
        skip_paths=paths_outside(app, BACK_OFFICE),
        max_examples=15,
    )
