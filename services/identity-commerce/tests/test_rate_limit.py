"""Rate limits on login, sign-up and password change, kept in PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import httpx
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from identity_commerce.services import rate_limit
from shopkit.db import utcnow
from shopkit.errors import TooManyRequests
from shopkit.testing.database import TestDatabases
from shopkit.testing.plugin import LiveProcesses
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, auth, make_user, unique_email


async def test_sixth_failed_login_in_a_row_is_429_with_retry_after(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session)
    wrong = {"email": user.email, "password": "wrong-password"}
    for attempt in range(5):
        response = await client.post("/auth/login", json=wrong)
        assert response.status_code == 401, attempt
    blocked = await client.post("/auth/login", json=wrong)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900
    # Blocked means blocked: even the right password waits for the window to end.
    right = await client.post(
        "/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert right.status_code == 429


async def test_the_email_limit_ignores_letter_case(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session)
    for variant in [
        user.email,
        user.email.upper(),
        f" {user.email}",
        user.email.title(),
        user.email,
    ]:
        response = await client.post("/auth/login", json={"email": variant, "password": "wrong-1"})
        assert response.status_code == 401
    blocked = await client.post("/auth/login", json={"email": user.email.upper(), "password": "x"})
    assert blocked.status_code == 429


async def test_a_success_ends_the_run_of_failures(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session)
    wrong = {"email": user.email, "password": "wrong-password"}
    right = {"email": user.email, "password": DEFAULT_PASSWORD}
    for _ in range(4):
        assert (await client.post("/auth/login", json=wrong)).status_code == 401
    assert (await client.post("/auth/login", json=right)).status_code == 200
    for _ in range(5):
        assert (await client.post("/auth/login", json=wrong)).status_code == 401
    assert (await client.post("/auth/login", json=wrong)).status_code == 429


async def test_one_client_address_guessing_many_emails_is_limited(
    client: httpx.AsyncClient, app: object
) -> None:
    settings: Settings = app.state.settings  # type: ignore[attr-defined]
    for attempt in range(settings.login_max_failures_per_client):
        response = await client.post(
            "/auth/login", json={"email": unique_email("spray"), "password": "Password1"}
        )
        assert response.status_code == 401, attempt
    blocked = await client.post(
        "/auth/login", json={"email": unique_email("spray"), "password": "Password1"}
    )
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers


async def test_repeated_failed_signups_from_one_client_are_limited(
    client: httpx.AsyncClient, db_session: AsyncSession, app: object
) -> None:
    settings: Settings = app.state.settings  # type: ignore[attr-defined]
    taken = await make_user(db_session)
    body = {"email": taken.email, "password": "Password-1", "first_name": "A", "last_name": "B"}
    for _ in range(settings.signup_max_per_client):
        assert (await client.post("/auth/signup", json=body)).status_code == 409
    blocked = await client.post("/auth/signup", json={**body, "email": unique_email("new")})
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers


async def test_successful_signups_count_too(client: httpx.AsyncClient, app: object) -> None:
    """One address cannot create unlimited accounts (each could hold stock and review)."""
    settings: Settings = app.state.settings  # type: ignore[attr-defined]
    for _ in range(settings.signup_max_per_client):
        body = {
            "email": unique_email("ok"),
            "password": "Password-1",
            "first_name": "A",
            "last_name": "B",
        }
        assert (await client.post("/auth/signup", json=body)).status_code == 201
    blocked = await client.post("/auth/signup", json={**body, "email": unique_email("more")})
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= settings.signup_window_seconds
    assert settings.signup_window_seconds == 3600  # counted per hour by default


async def test_wrong_current_passwords_are_limited_too(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    user = await make_user(db_session)
    headers = auth(tokens, user)
    body = {"current_password": "guess-guess", "new_password": "Whatever-123"}
    for _ in range(5):
        assert (
            await client.post("/auth/me/password", headers=headers, json=body)
        ).status_code == 400
    assert (await client.post("/auth/me/password", headers=headers, json=body)).status_code == 429


async def test_window_expires_and_counting_restarts(db_session: AsyncSession) -> None:
    limit = rate_limit.Limit(f"test:{unique_email()}", max_attempts=2, window=timedelta(minutes=1))
    start = utcnow()
    await rate_limit.hit(db_session, limit=limit, now=start)
    await rate_limit.hit(db_session, limit=limit, now=start + timedelta(seconds=10))
    try:
        await rate_limit.hit(db_session, limit=limit, now=start + timedelta(seconds=20))
        raise AssertionError("third attempt should be refused")
    except TooManyRequests as exc:
        assert exc.headers == {"Retry-After": "40"}
    # Over-limit attempts do not push the window further out.
    try:
        await rate_limit.hit(db_session, limit=limit, now=start + timedelta(seconds=50))
        raise AssertionError("still blocked")
    except TooManyRequests as exc:
        assert exc.headers == {"Retry-After": "10"}
    await rate_limit.hit(db_session, limit=limit, now=start + timedelta(seconds=61))
    assert (
        await rate_limit.attempts(db_session, key=limit.key, now=start + timedelta(seconds=62)) == 1
    )
    removed = await rate_limit.delete_expired(db_session, now=start + timedelta(minutes=5))
    assert removed >= 1
    assert await rate_limit.attempts(db_session, key=limit.key) == 0


async def test_the_limit_holds_across_processes(
    test_databases: TestDatabases,
    live_processes: LiveProcesses,
    settings: Settings,
) -> None:
    """One uvicorn process and one in-process app on the same database share the counter."""
    url = test_databases.clone("ratelimit")
    live = live_processes.start(
        "identity", "identity_commerce.main:create_app", env={"IDENTITY_DATABASE_URL": url}
    )
    local_app = create_app(settings.model_copy(update={"database_url": url}))
    email = unique_email("shared")
    body = {"email": email, "password": "Password-1", "first_name": "A", "last_name": "B"}
    wrong = {"email": email, "password": "wrong-password"}
    async with (
        httpx.AsyncClient(base_url=live.url) as remote,
        local_app.router.lifespan_context(local_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=local_app), base_url="http://local"
        ) as local,
    ):
        assert (await remote.post("/auth/signup", json=body)).status_code == 201
        for api in (remote, local, remote, local, remote):
            assert (await api.post("/auth/login", json=wrong)).status_code == 401
        assert (await local.post("/auth/login", json=wrong)).status_code == 429
        assert (await remote.post("/auth/login", json=wrong)).status_code == 429
