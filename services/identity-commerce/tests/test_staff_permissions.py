"""The permission matrix of identity-commerce's back office (docs/permissions.md): staff
reach exactly the routes of the permissions they hold, an admin every route, a customer
none; granting roles and operating the platform stay with admins."""

from __future__ import annotations

import uuid

import httpx
import pytest
from identity_commerce.models import UserRole
from shopkit.testing.permissions import (
    BackOfficeRoute,
    assert_admin_reach_all_and_others_none,
    assert_staff_reach_only,
)
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import auth, make_user
from .test_admin_customers import make_staff, staff_auth

PERMISSIONS = ("orders", "catalog", "customers", "reports")
# (method, path, body, permission; None: admins only)
ROUTES: list[BackOfficeRoute] = [
    ("GET", "/admin/orders", None, "orders"),
    ("GET", f"/admin/orders/{uuid.uuid4()}", None, "orders"),  # 404 past the check
    ("GET", "/admin/exports/orders.csv", None, "orders"),
    ("GET", "/admin/returns", None, "orders"),
    ("POST", f"/admin/returns/{uuid.uuid4()}/approve", None, "orders"),  # 404 past the check
    ("GET", "/admin/promotions", None, "catalog"),
    ("GET", "/admin/shipping-methods", None, "catalog"),
    ("GET", "/admin/customers", None, "customers"),
    ("GET", "/admin/exports/customers.csv", None, "customers"),
    ("GET", "/admin/reports/sales", None, "reports"),
    ("GET", "/admin/reports/top-products", None, "reports"),
    ("GET", "/admin/reports/top-customers", None, "reports"),
    ("GET", "/admin/outbox", None, None),
    # 404 past the check
    ("PUT", f"/admin/customers/{uuid.uuid4()}/role", {"role": "customer"}, None),
]
PASSED = (200, 404)


@pytest.mark.parametrize("permission", PERMISSIONS)
async def test_staff_reach_only_their_permissions_routes(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory, permission: str
) -> None:
    staff = staff_auth(tokens, await make_staff(db_session, permission))
    await assert_staff_reach_only(client, ROUTES, staff, permission, passed=PASSED)


async def test_admins_reach_every_route_and_customers_none(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    customer = auth(tokens, await make_user(db_session))
    bare_staff = staff_auth(tokens, await make_staff(db_session))
    await assert_admin_reach_all_and_others_none(
        client, ROUTES, admin, [customer, bare_staff], passed=PASSED
    )
