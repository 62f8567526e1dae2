"""Schemathesis over the back office's customers, reports and exports with a real admin:
no 5xx, only declared statuses and shapes (CSV included), for valid and invalid requests."""

from __future__ import annotations

from typing import Any

import schemathesis
from shopkit.testing.fuzz import assert_openapi_contract
from shopkit.testing.tokens import TokenFactory

from .fuzzing import RealAdmin, fuzz_app_fixture, paths_outside, promoted_admin

BACK_OFFICE = ("/admin/customers", "/admin/reports", "/admin/exports")


fuzz_app = fuzz_app_fixture(
    "back-office-fuzzer@example.com", lambda: {"order_expiry_sweeper_enabled": False}
)


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
