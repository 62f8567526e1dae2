"""Password reset: same answer for every email, one-time hashed links that expire, limits
per email and per client address, and every older token and link ended by a reset."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from identity_commerce.models import AccountLink, OutboxMessage, User
from identity_commerce.services.account_links import token_hash
from shopkit.db import utcnow
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, make_user, unique_email
from .account_links_helpers import last_token, queued_links

RESET = "PASSWORD_RESET_REQUESTED"
NEW_PASSWORD = "Brand-new-Pass-7"


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def ask_reset(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/auth/password-reset", json={"email": email})


async def confirm(
    client: httpx.AsyncClient, token: str, new_password: str = NEW_PASSWORD
) -> httpx.Response:
    """Set a new password with the token of a reset link."""
    return await client.post(
        "/auth/password-reset/confirm", json={"token": token, "new_password": new_password}
    )


async def reset_link(client: httpx.AsyncClient, db_session: AsyncSession, user: User) -> str:
    """Ask a reset for `user`; the token of the link emailed for it."""
    await ask_reset(client, user.email)
    return await last_token(db_session, event_type=RESET, email=user.email)


async def assert_link_refused(
    client: httpx.AsyncClient, token: str, user: User, *, password_kept: str
) -> httpx.Response:
    """A reset with `token` is refused (400) and changes nothing: `password_kept` still
    signs `user` in. The refusal, for a closer look."""
    refused = await confirm(client, token, "Attacker-Pass-1")
    assert refused.status_code == 400
    assert (await login(client, user.email, password_kept)).status_code == 200
    return refused


@pytest.fixture
async def user(db_session: AsyncSession) -> User:
    """An account with DEFAULT_PASSWORD."""
    return await make_user(db_session)


async def test_reset_full_cycle(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    before = await login(client, user.email, DEFAULT_PASSWORD)
    old_access = before.json()["access_token"]

    asked = await ask_reset(client, user.email.upper())
    assert asked.status_code == 202, asked.text
    [link] = await queued_links(db_session, event_type=RESET, email=user.email)
    assert link["user_id"] == str(user.id)
    token = link["token"]
    assert len(token) >= 43  # 256 bits, URL-safe base64

    # Stored hashed: the table never holds the token itself.
    stored = (
        await db_session.scalars(select(AccountLink).where(AccountLink.user_id == user.id))
    ).all()
    assert [row.token_hash for row in stored] == [token_hash(token)]
    assert token not in {row.token_hash for row in stored}
    assert timedelta(minutes=59) < stored[0].expires_at - utcnow() <= timedelta(minutes=60)

    done = await confirm(client, token)
    assert done.status_code == 204, done.text

    assert (await login(client, user.email, DEFAULT_PASSWORD)).status_code == 401
    fresh = await login(client, user.email, NEW_PASSWORD)
    assert fresh.status_code == 200
    # The access token from before the reset is revoked; the new one works.
    old = await client.get("/auth/me", headers={"Authorization": f"Bearer {old_access}"})
    assert old.status_code == 401
    me = await client.get(
        "/auth/me", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["email_verified"] is True  # the link reached the inbox

    # Single use.
    await assert_link_refused(client, token, user, password_kept=NEW_PASSWORD)


async def test_unknown_email_gets_the_same_answer_and_no_email(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    ghost = unique_email("ghost")
    known = await ask_reset(client, user.email)
    unknown = await ask_reset(client, ghost)
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert await queued_links(db_session, event_type=RESET, email=ghost) == []
    assert len(await queued_links(db_session, event_type=RESET, email=user.email)) == 1


async def test_disabled_account_gets_no_email(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    user.is_active = False
    await db_session.commit()
    response = await ask_reset(client, user.email)
    assert response.status_code == 202
    assert await queued_links(db_session, event_type=RESET, email=user.email) == []


async def test_expired_link_is_400(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    token = await reset_link(client, db_session, user)
    await db_session.execute(
        update(AccountLink)
        .where(AccountLink.token_hash == token_hash(token))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await db_session.commit()
    expired = await assert_link_refused(client, token, user, password_kept=DEFAULT_PASSWORD)
    assert "expired" in expired.json()["detail"]


async def test_unknown_and_malformed_tokens(client: httpx.AsyncClient) -> None:
    unknown = await confirm(client, "A" * 43)
    assert unknown.status_code == 400
    for bad in (
        {"token": "short", "new_password": NEW_PASSWORD},
        {"token": "has spaces in it 1234", "new_password": NEW_PASSWORD},
        {"token": "A" * 43, "new_password": "short"},
        {"token": "A" * 2000, "new_password": NEW_PASSWORD},
    ):
        response = await client.post("/auth/password-reset/confirm", json=bad)
        assert response.status_code == 422, bad


async def test_a_reset_ends_every_other_link_sent_before(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    for _ in range(2):
        assert (await ask_reset(client, user.email)).status_code == 202
    first, second = [
        link["token"] for link in await queued_links(db_session, event_type=RESET, email=user.email)
    ]
    used = await confirm(client, second)
    assert used.status_code == 204
    await assert_link_refused(client, first, user, password_kept=NEW_PASSWORD)


async def test_a_password_change_ends_links_sent_before(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    token = await reset_link(client, db_session, user)
    access = (await login(client, user.email, DEFAULT_PASSWORD)).json()["access_token"]
    changed = await client.post(
        "/auth/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {access}"},
    )
    assert changed.status_code == 204
    await assert_link_refused(client, token, user, password_kept=NEW_PASSWORD)


async def test_requests_are_limited_per_email_and_address(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    for attempt in range(3):
        response = await ask_reset(client, user.email)
        assert response.status_code == 202, attempt
    blocked = await ask_reset(client, f" {user.email.upper()}")
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 3600
    assert len(await queued_links(db_session, event_type=RESET, email=user.email)) == 3
    # The owner, asking from their own address, is not held back by a stranger's requests.
    owner = await _client_from(client, "127.0.0.77")
    async with owner:
        assert (await ask_reset(owner, user.email)).status_code == 202
    assert len(await queued_links(db_session, event_type=RESET, email=user.email)) == 4
    # Another email from the first address still works.
    other = await make_user(db_session)
    assert (await ask_reset(client, other.email)).status_code == 202


async def test_one_inbox_gets_a_bounded_number_of_links_from_all_addresses(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    answers = []
    for n in range(4):  # four addresses, three requests each: 12 asked, 10 allowed
        sender = await _client_from(client, f"127.0.1.{10 + n}")
        async with sender:
            for _ in range(3):
                response = await ask_reset(sender, user.email)
                answers.append(response.status_code)
    assert answers.count(202) == 10 and answers.count(429) == 2, answers
    assert len(await queued_links(db_session, event_type=RESET, email=user.email)) == 10


async def test_requests_are_limited_per_client_address(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    emails = [unique_email("spray") for _ in range(10)]
    for email in emails:
        assert (await ask_reset(client, email)).status_code == 202
    blocked = await ask_reset(client, unique_email("spray"))
    assert blocked.status_code == 429
    elsewhere = await _client_from(client, "127.0.0.78")
    async with elsewhere:
        response = await ask_reset(elsewhere, unique_email("x"))
        assert response.status_code == 202


async def test_failed_tokens_are_limited_per_client_address(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    token = await reset_link(client, db_session, user)
    for attempt in range(20):
        guess = await confirm(client, f"guess{attempt:02d}" + "x" * 38)
        assert guess.status_code == 400, attempt
    blocked = await confirm(client, token)
    assert blocked.status_code == 429
    # The owner, from another address, is not locked out.
    owner = await _client_from(client, "127.0.0.79")
    async with owner:
        done = await confirm(owner, token)
    assert done.status_code == 204


async def test_no_event_is_queued_when_the_request_is_refused(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    before = await db_session.scalar(select(func.count()).select_from(OutboxMessage))
    response = await ask_reset(client, "not an email")
    assert response.status_code == 422
    assert await db_session.scalar(select(func.count()).select_from(OutboxMessage)) == before


async def _client_from(client: httpx.AsyncClient, address: str) -> httpx.AsyncClient:
    """A client of the same in-process app whose requests come from another address."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app: FastAPI = transport.app  # type: ignore[assignment]
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://testserver",
    )
