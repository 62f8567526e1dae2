"""A token is only as good as the account behind it: a disabled or demoted account loses
access at once on every route of identity-commerce that acts for it, and a password change
ends every token issued before it. (The other services' side, against the real
identity-commerce, is in the repository's tests/acceptance/test_account_revocation.py.)"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from identity_commerce.models import User, UserRole
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, auth, make_user


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
