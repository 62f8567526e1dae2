"""Email verification: sign-up queues the link, the link verifies once, resend is limited,
/auth/me and the internal account status show it."""

from __future__ import annotations

import uuid

import httpx
from identity_commerce.models import AccountLink, User
from identity_commerce.services.account_links import token_hash
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import auth, make_user, unique_email
from .account_links_helpers import last_token, queued_links

VERIFY = "EMAIL_VERIFICATION_REQUESTED"


async def sign_up(client: httpx.AsyncClient, email: str) -> dict[str, object]:
    created = await client.post(
        "/auth/signup",
        json={
            "email": email,
            "password": "Sup3r-secret",
            "first_name": "Vera",
            "last_name": "Fied",
        },
    )
    assert created.status_code == 201, created.text
    body: dict[str, object] = created.json()
    return body


async def bearer(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    login = await client.post("/auth/login", json={"email": email, "password": "Sup3r-secret"})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_sign_up_sends_a_link_that_verifies_once(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    email = unique_email("verify")
    created = await sign_up(client, email)
    assert created["email_verified"] is False
    [link] = await queued_links(db_session, event_type=VERIFY, email=email)
    assert link["user_id"] == created["id"] and link["customer_name"] == "Vera Fied"
    headers = await bearer(client, email)
    assert (await client.get("/auth/me", headers=headers)).json()["email_verified"] is False

    service = {"Authorization": "Bearer " + tokens.service("catalog-fulfillment")}
    status_before = await client.get(f"/internal/accounts/{created['id']}", headers=service)
    assert status_before.json()["email_verified"] is False

    verified = await client.post("/auth/verify-email", json={"token": link["token"]})
    assert verified.status_code == 204, verified.text
    assert (await client.get("/auth/me", headers=headers)).json()["email_verified"] is True
    status_after = await client.get(f"/internal/accounts/{created['id']}", headers=service)
    assert status_after.json()["email_verified"] is True

    again = await client.post("/auth/verify-email", json={"token": link["token"]})
    assert again.status_code == 400


async def test_unknown_and_expired_links_are_400(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    assert (await client.post("/auth/verify-email", json={"token": "B" * 43})).status_code == 400
    assert (await client.post("/auth/verify-email", json={"token": "x"})).status_code == 422
    email = unique_email("late")
    await sign_up(client, email)
    token = await last_token(db_session, event_type=VERIFY, email=email)
    await db_session.execute(
        update(AccountLink)
        .where(AccountLink.token_hash == token_hash(token))
        .values(expires_at=AccountLink.created_at)
    )
    await db_session.commit()
    assert (await client.post("/auth/verify-email", json={"token": token})).status_code == 400
    user = await db_session.scalar(select(User).where(User.email == email))
    assert user is not None and user.email_verified_at is None


async def test_a_reset_token_does_not_verify_and_a_verification_token_does_not_reset(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    email = unique_email("cross")
    await sign_up(client, email)
    verify_token = await last_token(db_session, event_type=VERIFY, email=email)
    reset = await client.post(
        "/auth/password-reset/confirm",
        json={"token": verify_token, "new_password": "Taken-Over-99"},
    )
    assert reset.status_code == 400


async def test_resend_needs_sign_in_is_limited_and_refused_once_verified(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    email = unique_email("resend")
    await sign_up(client, email)
    headers = await bearer(client, email)
    assert (await client.post("/auth/verify-email/resend")).status_code == 401
    for attempt in range(3):
        response = await client.post("/auth/verify-email/resend", headers=headers)
        assert response.status_code == 202, (attempt, response.text)
    blocked = await client.post("/auth/verify-email/resend", headers=headers)
    assert blocked.status_code == 429
    links = await queued_links(db_session, event_type=VERIFY, email=email)
    assert len(links) == 4  # sign-up + 3 resends
    # Any of them works (each was sent to the same inbox); then resending is pointless.
    assert (
        await client.post("/auth/verify-email", json={"token": links[1]["token"]})
    ).status_code == 204
    assert (await client.post("/auth/verify-email/resend", headers=headers)).status_code == 409


async def test_existing_accounts_are_not_asked_to_verify_by_factories(
    db_session: AsyncSession, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    # Accounts made directly (tests, seed) start unverified unless marked; the API shows it.
    user = await make_user(db_session)
    me = await client.get("/auth/me", headers=auth(tokens, user))
    assert me.json()["email_verified"] is False
    unknown = await client.get(
        f"/internal/accounts/{uuid.uuid4()}",
        headers={"Authorization": "Bearer " + tokens.service("catalog-fulfillment")},
    )
    assert unknown.status_code == 404
