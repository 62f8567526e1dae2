"""A token is only as good as the account behind it, in every service: catalog-fulfillment
and notifications ask the real identity-commerce about the account behind each token, so a
demoted, signed-out or disabled account loses their routes at once too (identity-commerce's
own routes are tested in its service folder)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import psycopg
from sqlalchemy.engine import make_url

from .shop import Shop


def sql(url: str, statement: str, *params: Any) -> None:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        conn.execute(statement, params)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_other_services_refuse_a_disabled_demoted_or_signed_out_account_at_once(
    shop: Shop,
) -> None:
    identity, catalog, notifications = shop.identity, shop.catalog, shop.notifications
    identity_db = shop.identity_db
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "Admin-pass-1", "first_name": "A", "last_name": "D"}
    assert httpx.post(f"{identity.url}/auth/signup", json=body).status_code == 201
    sql(identity_db, "UPDATE users SET role = 'admin' WHERE email = %s", email)

    def sign_in(password: str = "Admin-pass-1") -> dict[str, str]:
        login = httpx.post(
            f"{identity.url}/auth/login", json={"email": email, "password": password}
        )
        assert login.status_code == 200, login.text
        return bearer(login.json()["access_token"])

    def new_category(headers: dict[str, str]) -> int:
        return httpx.post(
            f"{catalog.url}/admin/categories",
            json={"name": f"Category {uuid.uuid4().hex[:6]}"},
            headers=headers,
            timeout=10,
        ).status_code

    def sent_log(headers: dict[str, str]) -> int:
        return httpx.get(f"{notifications.url}/notifications", headers=headers).status_code

    admin = sign_in()
    assert new_category(admin) == 201
    assert sent_log(admin) == 200

    # Demoted: the admin token stops working on both services at once.
    sql(identity_db, "UPDATE users SET role = 'customer' WHERE email = %s", email)
    assert new_category(admin) == 401
    assert sent_log(admin) == 401
    assert new_category(sign_in()) == 403  # a fresh (customer) token: not an admin

    # Promoted back, then the password changes: every older token ends.
    sql(identity_db, "UPDATE users SET role = 'admin' WHERE email = %s", email)
    admin = sign_in()
    assert new_category(admin) == 201
    changed = httpx.post(
        f"{identity.url}/auth/me/password",
        json={"current_password": "Admin-pass-1", "new_password": "Admin-pass-2"},
        headers=admin,
    )
    assert changed.status_code == 204
    assert new_category(admin) == 401
    admin = sign_in("Admin-pass-2")
    assert new_category(admin) == 201

    # Disabled: refused at once.
    sql(identity_db, "UPDATE users SET is_active = false WHERE email = %s", email)
    assert new_category(admin) == 401

    # identity-commerce down: the catalog cannot confirm the account and says so (503),
    # rather than trusting the token; public reads do not ask and keep working.
    identity.stop()
    unconfirmed = httpx.post(
        f"{catalog.url}/admin/categories", json={"name": "Later"}, headers=admin, timeout=30
    )
    assert unconfirmed.status_code == 503
    assert "Retry-After" in unconfirmed.headers
    assert httpx.get(f"{catalog.url}/catalog/products").status_code == 200
