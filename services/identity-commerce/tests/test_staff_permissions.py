"""The permission matrix of identity-commerce's back office (docs/permissions.md): staff
reach exactly the routes of the permissions they hold, an admin every route, a customer
none; granting roles and operating the platform stay with admins."""

from __future__ import annotations

import uuid

import httpx
import pytest
from identity_commerce.models import UserRole
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import auth, make_user
from .test_admin_customers import make_staff, staff_auth

PERMISSIONS = ("orders", "catalog", "customers", "reports")
# (method, path, permission; None: admins only)
ROUTES: list[tuple[str, str, str | None]] = [
    ("GET", "/admin/orders", "orders"),
    ("GET", f"/admin/orders/{uuid.uuid4()}", "orders"),  # 404 past the check
    ("GET", "/admin/exports/orders.csv", "orders"),
    ("GET", "/admin/returns", "orders"),
    ("POST", f"/admin/returns/{uuid.uuid4()}/approve", "orders"),  # 404 past the check
    ("GET", "/admin/promotions", "catalog"),
    ("GET", "/admin/shipping-methods", "catalog"),
    ("GET", "/admin/customers", "customers"),
    ("GET", "/admin/exports/customers.csv", "customers"),
    ("GET", "/admin/reports/sales", "reports"),
    ("GET", "/admin/reports/top-products", "reports"),
    ("GET", "/admin/reports/top-customers", "reports"),
    ("GET", "/admin/outbox", None),
    ("PUT", f"/admin/customers/{uuid.uuid4()}/role", None),  # 404 past the check
]


def allowed(status: int) -> bool:
    return status in (200, 404)


@pytest.mark.parametrize("permission", PERMISSIONS)
async def test_staff_reach_only_their_permissions_routes(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory, permission: str
) -> None:
    staff = staff_auth(tokens, await make_staff(db_session, permission))
    for method, path, needed in ROUTES:
        body = {"role": "customer"} if method == "PUT" else None
        answer = await client.request(method, path, headers=staff, json=body)
        if needed == permission:
            assert allowed(answer.status_code), (path, answer.status_code, answer.text)
        else:
            assert answer.status_code == 403, (permission, path, answer.status_code)


async def test_admins_reach_every_route_and_customers_none(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    customer = auth(tokens, await make_user(db_session))
    bare_staff = staff_auth(tokens, await make_staff(db_session))
    for method, path, _ in ROUTES:
        body = {"role": "customer"} if method == "PUT" else None
        by_admin = await client.request(method, path, headers=admin, json=body)
        assert allowed(by_admin.status_code), (path, by_admin.status_code, by_admin.text)
        for who in (customer, bare_staff):
            answer = await client.request(method, path, headers=who, json=body)
            assert answer.status_code == 403, (path, answer.status_code)
