"""Schemathesis over the back office's customers, reports and exports with a real admin:
no 5xx, only declared statuses and shapes (CSV included), for valid and invalid requests."""

from __future__ import annotations

from typing import Any

from shopkit.testing.tokens import TokenFactory

from .fuzzing import RealAdmin, assert_contract_under, fuzz_app_fixture, promoted_admin

BACK_OFFICE = ("/admin/customers", "/admin/reports", "/admin/exports")


fuzz_app = fuzz_app_fixture(
    "back-office-fuzzer@example.com", lambda: {"order_expiry_sweeper_enabled": False}
)


async def test_openapi_contract_of_customers_reports_and_exports(
    fuzz_app: tuple[Any, str], tokens: TokenFactory
) -> None:
    app, _ = fuzz_app
    admin = RealAdmin(await promoted_admin(app, "back-office-fuzz-admin@example.com"), tokens)
    assert_contract_under(app, BACK_OFFICE, admin)
