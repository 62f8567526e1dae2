"""The back office's customers: search with figures, detail, disable/enable (the account's
tokens stop at once and it cannot sign in), roles and permissions (in the token, and a
change ends the older tokens)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from identity_commerce.models import User, UserRole
from jose import jwt
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, auth, make_address, make_user
from .sales_factories import make_order, refund

D = Decimal


async def make_staff(session: AsyncSession, *permissions: str, **fields: Any) -> User:
    user = await make_user(session, role=UserRole.staff, **fields)
    await session.execute(
        update(User).where(User.id == user.id).values(permissions=sorted(permissions))
    )
    await session.commit()
    user.permissions = sorted(permissions)
    return user


def staff_auth(tokens: TokenFactory, user: User) -> dict[str, str]:
    token = tokens.user("staff", user_id=user.id, email=user.email, permissions=user.permissions)
    return {"Authorization": f"Bearer {token}"}


async def login(client: httpx.AsyncClient, user: User) -> httpx.Response:
    return await client.post(
        "/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )


async def test_search_by_email_or_name_with_order_figures(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    zelda = await make_user(db_session, first_name="Zelda", last_name="Quokka")
    other = await make_user(db_session, email="quokka-fan-9@example.com", first_name="Ann")
    await make_user(db_session, first_name="Nobody", last_name="Else")
    first = await make_order(
        db_session,
        user=zelda,
        placed_at=datetime(2025, 3, 1, 12, tzinfo=UTC),
        lines=[("SKU-A", "Mug", D("10.00"), 2)],
    )
    await make_order(
        db_session,
        user=zelda,
        placed_at=datetime(2025, 3, 5, 12, tzinfo=UTC),
        lines=[("SKU-B", "Lamp", D("30.00"), 1)],
    )
    await make_order(  # never paid: not counted
        db_session,
        user=zelda,
        placed_at=datetime(2025, 3, 6, 12, tzinfo=UTC),
        lines=[("SKU-B", "Lamp", D("30.00"), 1)],
        paid=False,
    )
    await refund(db_session, first, D("5.00"), at=datetime(2025, 3, 2, tzinfo=UTC))

    answer = await client.get("/admin/customers", params={"q": "QUOKKA"}, headers=admin)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == 2
    by_id = {item["id"]: item for item in page["items"]}
    assert set(by_id) == {str(zelda.id), str(other.id)}
    assert by_id[str(zelda.id)]["order_count"] == 2
    assert by_id[str(zelda.id)]["total_spent"] == "45.00"  # 20 - 5 refunded + 30
    assert by_id[str(zelda.id)]["last_order_at"].startswith("2025-03-05")
    assert by_id[str(other.id)]["order_count"] == 0
    assert by_id[str(other.id)]["total_spent"] == "0.00"
    # The full name matches across first and last; % and _ are plain characters.
    full = await client.get("/admin/customers", params={"q": "zelda quo"}, headers=admin)
    assert [item["id"] for item in full.json()["items"]] == [str(zelda.id)]
    wild = await client.get("/admin/customers", params={"q": "%"}, headers=admin)
    assert wild.json()["total"] == 0
    paged = await client.get(
        "/admin/customers", params={"q": "quokka", "page_size": 1, "page": 2}, headers=admin
    )
    assert paged.json()["total"] == 2 and len(paged.json()["items"]) == 1


async def test_detail_has_addresses_and_orders_and_unknown_is_404(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    user = await make_user(db_session)
    address = await make_address(db_session, user)
    order = await make_order(
        db_session,
        user=user,
        placed_at=datetime(2025, 3, 1, tzinfo=UTC),
        lines=[("SKU-A", "Mug", D("10.00"), 3)],
    )
    detail = (await client.get(f"/admin/customers/{user.id}", headers=admin)).json()
    assert [a["id"] for a in detail["addresses"]] == [str(address.id)]
    assert [(o["id"], o["item_count"]) for o in detail["orders"]] == [(str(order.id), 3)]
    assert detail["order_count"] == 1 and detail["total_spent"] == "30.00"
    missing = await client.get(
        "/admin/customers/00000000-0000-4000-8000-000000000000", headers=admin
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "customer_not_found"


async def test_disabling_ends_tokens_at_once_and_login_until_enabled(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    user = await make_user(db_session)
    token = (await login(client, user)).json()["access_token"]
    mine = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/auth/me", headers=mine)).status_code == 200

    disabled = await client.post(f"/admin/customers/{user.id}/disable", headers=admin)
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert (await client.get("/auth/me", headers=mine)).status_code == 401
    assert (await client.get("/orders", headers=mine)).status_code == 401
    assert (await login(client, user)).status_code == 401
    again = await client.post(f"/admin/customers/{user.id}/disable", headers=admin)
    assert again.status_code == 200  # asking twice changes nothing

    enabled = await client.post(f"/admin/customers/{user.id}/enable", headers=admin)
    assert enabled.json()["active"] is True
    # The token issued before stays refused; a new sign-in works.
    assert (await client.get("/auth/me", headers=mine)).status_code == 401
    fresh = (await login(client, user)).json()["access_token"]
    assert (
        await client.get("/auth/me", headers={"Authorization": f"Bearer {fresh}"})
    ).status_code == 200


async def test_staff_disable_customers_only_and_nobody_acts_on_their_own_account(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    staff_user = await make_staff(db_session, "customers")
    staff = staff_auth(tokens, staff_user)
    admin_user = await make_user(db_session, role=UserRole.admin)
    customer = await make_user(db_session)
    other_staff = await make_staff(db_session, "orders")

    ok = await client.post(f"/admin/customers/{customer.id}/disable", headers=staff)
    assert ok.status_code == 200
    for target in (admin_user, other_staff):
        refused = await client.post(f"/admin/customers/{target.id}/disable", headers=staff)
        assert refused.status_code == 403, target.role
    own = await client.post(f"/admin/customers/{staff_user.id}/disable", headers=staff)
    assert own.status_code == 409 and own.json()["code"] == "own_account"
    admin = auth(tokens, admin_user)
    own_role = await client.put(
        f"/admin/customers/{admin_user.id}/role", json={"role": "customer"}, headers=admin
    )
    assert own_role.status_code == 409
    by_admin = await client.post(f"/admin/customers/{other_staff.id}/disable", headers=admin)
    assert by_admin.status_code == 200


async def test_granted_permissions_travel_in_the_token_and_a_change_ends_older_tokens(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    user = await make_user(db_session)
    before = {"Authorization": f"Bearer {(await login(client, user)).json()['access_token']}"}

    granted = await client.put(
        f"/admin/customers/{user.id}/role",
        json={"role": "staff", "permissions": ["reports", "orders", "reports"]},
        headers=admin,
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["role"] == "staff"
    assert granted.json()["permissions"] == ["orders", "reports"]
    assert (await client.get("/auth/me", headers=before)).status_code == 401

    token = (await login(client, user)).json()["access_token"]
    assert jwt.get_unverified_claims(token)["perms"] == "orders reports"
    staff = {"Authorization": f"Bearer {token}"}
    me = (await client.get("/auth/me", headers=staff)).json()
    assert me["role"] == "staff" and me["permissions"] == ["orders", "reports"]
    assert (await client.get("/admin/reports/sales", headers=staff)).status_code == 200
    assert (await client.get("/admin/customers", headers=staff)).status_code == 403
    # Staff still shop for themselves.
    assert (await client.get("/orders", headers=staff)).status_code == 200

    same = await client.put(
        f"/admin/customers/{user.id}/role",
        json={"role": "staff", "permissions": ["orders", "reports"]},
        headers=admin,
    )
    assert same.status_code == 200
    assert (await client.get("/auth/me", headers=staff)).status_code == 200  # nothing changed

    # Permissions are for staff only: an admin holds all, a customer none.
    demoted = await client.put(
        f"/admin/customers/{user.id}/role",
        json={"role": "customer", "permissions": ["orders"]},
        headers=admin,
    )
    assert demoted.json()["permissions"] == []
    assert (await client.get("/auth/me", headers=staff)).status_code == 401

    # Only admins grant roles, whatever permissions staff hold.
    every = staff_auth(
        tokens, await make_staff(db_session, "orders", "catalog", "customers", "reports")
    )
    refused = await client.put(
        f"/admin/customers/{user.id}/role", json={"role": "admin"}, headers=every
    )
    assert refused.status_code == 403


async def test_unknown_permission_names_in_a_token_grant_nothing(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    staff_user = await make_staff(db_session, "orders")
    token = tokens.user("staff", user_id=staff_user.id, permissions=["orders", "superpowers"])
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/admin/orders", headers=headers)).status_code == 200
    assert (await client.get("/admin/customers", headers=headers)).status_code == 403
