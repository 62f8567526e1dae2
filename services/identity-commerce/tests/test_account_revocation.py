"""A token is only as good as the account behind it: a disabled or demoted account loses
access at once on every route that acts for it, in every service, and a password change
ends every token issued before it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from identity_commerce.models import User, UserRole
from shopkit.testing.database import TestDatabases, create_database, drop_database, migrate
from shopkit.testing.live import LiveService
from shopkit.testing.plugin import LiveProcesses
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, auth, make_user

SERVICES = Path(__file__).resolve().parents[3] / "services"


async def set_account(session: AsyncSession, user: User, **values: Any) -> None:
    await session.execute(update(User).where(User.id == user.id).values(**values))
    await session.commit()


async def create_checkout(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    body = {"shipping_address_id": str(uuid.uuid4()), "billing_address_id": str(uuid.uuid4())}
    return await client.post("/checkout/create-payment-intent", json=body, headers=headers)


# --- identity-commerce's own routes (in-process) --------------------------------------------
async def test_a_disabled_account_loses_every_route_at_once(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    user = await make_user(db_session)
    headers = auth(tokens, user)
    # Routes that act for the account through the token alone before (orders, checkout).
    reads = [("GET", "/orders"), ("GET", "/auth/me"), ("GET", "/cart")]
    for method, path in reads:
        assert (await client.request(method, path, headers=headers)).status_code == 200, path

    await set_account(db_session, user, is_active=False)
    for method, path in [*reads, ("GET", f"/orders/{uuid.uuid4()}")]:
        answer = await client.request(method, path, headers=headers)
        assert answer.status_code == 401, (path, answer.text)
    confirm = await client.post(
        "/checkout/confirm", json={"order_id": str(uuid.uuid4())}, headers=headers
    )
    assert confirm.status_code == 401
    # Checkout confirms the account in the statement that locks the user's row.
    assert (await create_checkout(client, headers)).status_code == 401


async def test_a_demoted_admin_loses_the_admin_routes_at_once(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = await make_user(db_session, role=UserRole.admin)
    headers = auth(tokens, admin)
    admin_routes = ["/admin/orders", "/admin/outbox"]  # identity's own and shopkit's router
    for path in admin_routes:
        assert (await client.get(path, headers=headers)).status_code == 200, path

    await set_account(db_session, admin, role=UserRole.customer.value)
    for path in admin_routes:
        answer = await client.get(path, headers=headers)
        assert answer.status_code == 401, (path, answer.text)
    # Signing in again gives a customer token, which admin routes refuse as usual.
    login = await client.post(
        "/auth/login", json={"email": admin.email, "password": DEFAULT_PASSWORD}
    )
    customer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/admin/orders", headers=customer)).status_code == 403
    assert (await client.get("/orders", headers=customer)).status_code == 200


async def test_a_password_change_ends_every_older_token(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session)
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    first = (await client.post("/auth/login", json=body)).json()["access_token"]
    second = (await client.post("/auth/login", json=body)).json()["access_token"]
    old_tokens = [{"Authorization": f"Bearer {t}"} for t in (first, second)]

    changed = await client.post(
        "/auth/me/password",
        headers=old_tokens[0],
        json={"current_password": DEFAULT_PASSWORD, "new_password": "Brand-new-pass1"},
    )
    assert changed.status_code == 204
    for headers in old_tokens:  # the one that changed it too: sign in again
        for path in ("/auth/me", "/orders", "/cart"):
            assert (await client.get(path, headers=headers)).status_code == 401, path
        assert (await create_checkout(client, headers)).status_code == 401

    fresh = await client.post(
        "/auth/login", json={"email": user.email, "password": "Brand-new-pass1"}
    )
    headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert (await client.get("/auth/me", headers=headers)).status_code == 200


async def test_the_account_directory_answers_services_with_accounts_read_only(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    user = await make_user(db_session)
    path = f"/internal/accounts/{user.id}"
    for caller in ("catalog-fulfillment", "notifications"):
        answer = await client.get(path, headers=bearer(tokens.service(caller)))
        assert answer.status_code == 200, caller
        assert answer.json() == {
            "user_id": str(user.id),
            "active": True,
            "role": "customer",
            "token_version": 0,
            "email_verified": False,
        }
    unknown = f"/internal/accounts/{uuid.uuid4()}"
    assert (
        await client.get(unknown, headers=bearer(tokens.service("notifications")))
    ).status_code == 404
    # identity-commerce itself may not hold accounts:read, whatever its token claims.
    claimed = tokens.service("identity-commerce", scopes=["accounts:read"])
    assert (await client.get(path, headers=bearer(claimed))).status_code == 403
    # Nor may notifications ask about purchases.
    purchases = tokens.service("notifications", scopes=["purchases:read"])
    answer = await client.get(
        "/internal/verified-purchase",
        params={"user_id": str(user.id), "product_id": str(uuid.uuid4())},
        headers=bearer(purchases),
    )
    assert answer.status_code == 403


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- catalog-fulfillment and notifications ask identity-commerce (live processes) -----------
@pytest.fixture
def other_databases(settings: Any) -> Iterator[dict[str, str]]:
    """Fresh migrated databases for catalog-fulfillment and notifications."""
    server = settings.sqlalchemy_url
    made: dict[str, str] = {}
    try:
        for service in ("catalog-fulfillment", "notifications"):
            name = f"test_ic_revoke_{service[:5]}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            made[name] = create_database(server, name)
            migrate(SERVICES / service / "alembic.ini", made[name])
        yield dict(zip(("catalog-fulfillment", "notifications"), made.values(), strict=True))
    finally:
        for name in made:
            drop_database(server, name)


def sql(url: str, statement: str, *params: Any) -> None:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        conn.execute(statement, params)


def test_other_services_refuse_a_disabled_demoted_or_signed_out_account_at_once(
    live_processes: LiveProcesses,
    test_databases: TestDatabases,
    other_databases: dict[str, str],
) -> None:
    identity_db = test_databases.clone(f"revoke_{uuid.uuid4().hex[:6]}")
    identity = live_processes.start(
        "identity",
        "identity_commerce.main:create_app",
        env={
            "IDENTITY_DATABASE_URL": identity_db,
            "OUTBOX_RELAY_ENABLED": "false",
            "ORDER_EXPIRY_SWEEPER_ENABLED": "false",
        },
    )
    catalog: LiveService = live_processes.start(
        "catalog",
        "catalog_fulfillment.main:create_app",
        env={
            "CATALOG_DATABASE_URL": other_databases["catalog-fulfillment"],
            "IDENTITY_URL": identity.url,
            "OUTBOX_RELAY_ENABLED": "false",
        },
    )
    notifications: LiveService = live_processes.start(
        "notifications",
        "notifications.main:create_app",
        env={
            "NOTIFICATIONS_DATABASE_URL": other_databases["notifications"],
            "IDENTITY_URL": identity.url,
        },
    )
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
