"""Staff permissions across services, against the real identity-commerce: a staff token's
permissions reach catalog-fulfillment, and the back-office API's changes (permissions,
disabling) end older tokens there at once. (Its own module: test_account_revocation stops
identity-commerce at its end.)"""

from __future__ import annotations

import uuid

import httpx

from .shop import Shop
from .test_account_revocation import bearer, sql


def test_staff_permissions_reach_the_catalog_and_disabling_by_api_ends_them_at_once(
    shop: Shop,
) -> None:
    """A staff account's permissions travel in its token: catalog-fulfillment lets `catalog`
    staff in and keeps `orders` staff out; an admin changing the permissions or disabling
    the account through the back-office API ends the token there at once."""
    identity, catalog = shop.identity, shop.catalog
    admin_email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    staff_email = f"staff-{uuid.uuid4().hex[:8]}@example.com"
    for email in (admin_email, staff_email):
        body = {"email": email, "password": "Staff-pass-1", "first_name": "S", "last_name": "T"}
        assert httpx.post(f"{identity.url}/auth/signup", json=body).status_code == 201
    sql(shop.identity_db, "UPDATE users SET role = 'admin' WHERE email = %s", admin_email)

    def sign_in(email: str) -> dict[str, str]:
        login = httpx.post(
            f"{identity.url}/auth/login", json={"email": email, "password": "Staff-pass-1"}
        )
        assert login.status_code == 200, login.text
        return bearer(login.json()["access_token"])

    admin = sign_in(admin_email)
    found = httpx.get(f"{identity.url}/admin/customers", params={"q": staff_email}, headers=admin)
    staff_id = found.json()["items"][0]["id"]

    def grant(*permissions: str) -> None:
        answer = httpx.put(
            f"{identity.url}/admin/customers/{staff_id}/role",
            json={"role": "staff", "permissions": list(permissions)},
            headers=admin,
        )
        assert answer.status_code == 200, answer.text

    def new_category(headers: dict[str, str]) -> int:
        return httpx.post(
            f"{catalog.url}/admin/categories",
            json={"name": f"Category {uuid.uuid4().hex[:6]}"},
            headers=headers,
            timeout=10,
        ).status_code

    grant("orders")
    orders_staff = sign_in(staff_email)
    assert new_category(orders_staff) == 403

    grant("catalog")
    assert new_category(orders_staff) == 401  # the older token ended with the change
    catalog_staff = sign_in(staff_email)
    assert new_category(catalog_staff) == 201
    products = httpx.get(f"{catalog.url}/admin/exports/products.csv", headers=catalog_staff)
    assert products.status_code == 200 and products.text.startswith("sku,")

    disabled = httpx.post(f"{identity.url}/admin/customers/{staff_id}/disable", headers=admin)
    assert disabled.status_code == 200
    assert new_category(catalog_staff) == 401
    refused = httpx.post(
        f"{identity.url}/auth/login", json={"email": staff_email, "password": "Staff-pass-1"}
    )
    assert refused.status_code == 401
