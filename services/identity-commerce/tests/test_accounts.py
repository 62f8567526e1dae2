"""Sign-up, login, /auth/me, profile and password changes, password hashing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import bcrypt
import httpx
import pytest
from identity_commerce.core.config import Argon2Cost
from identity_commerce.models import User
from identity_commerce.services.accounts import authenticate
from identity_commerce.services.passwords import PasswordHasher, Verification
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, Shopper, auth, make_user, unique_email


async def post_json(client: httpx.AsyncClient, url: str, body: object) -> httpx.Response:
    """POST with \\u escapes (ensure_ascii), so even a lone surrogate reaches the server."""
    return await client.post(
        url, content=json.dumps(body), headers={"Content-Type": "application/json"}
    )


def signup_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": unique_email("signup"),
        "password": "Sup3r-secret",
        "first_name": "Alice",
        "last_name": "Doe",
    }
    body.update(overrides)
    return body


async def test_signup_login_and_me(client: httpx.AsyncClient) -> None:
    body = signup_body(email="  New.Person@Example.COM ", phone="+1 (555) 010-0100")
    created = await client.post("/auth/signup", json=body)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "new.person@example.com"
    assert user["role"] == "customer"
    assert user["phone"] == "+15550100100"
    assert "password" not in created.text and "argon2" not in created.text

    login = await client.post(
        "/auth/login", json={"email": "NEW.person@example.com ", "password": "Sup3r-secret"}
    )
    assert login.status_code == 200, login.text
    token = login.json()
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 15 * 60

    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]
    assert me.json()["email"] == "new.person@example.com"


async def test_signup_never_makes_an_admin(client: httpx.AsyncClient) -> None:
    created = await client.post("/auth/signup", json=signup_body(role="admin"))
    assert created.status_code == 201
    assert created.json()["role"] == "customer"


async def test_duplicate_email_in_another_case_is_409(client: httpx.AsyncClient) -> None:
    email = unique_email("dup")
    assert (await client.post("/auth/signup", json=signup_body(email=email))).status_code == 201
    again = await client.post("/auth/signup", json=signup_body(email=email.upper()))
    assert again.status_code == 409
    assert "exists" in again.json()["detail"]


async def test_short_password_or_bad_email_is_422(client: httpx.AsyncClient) -> None:
    for bad in (
        {"password": "short7!"},
        {"email": "not-an-email"},
        {"email": "two@@example.com"},
        # notifications could not put these in a To: header (once a 500 on every event)
        {"email": "josé@example.com"},
        {"email": "a..b@example.com"},
        {"email": "no-dot@localhost"},
        {"first_name": "   "},
        {"phone": "call me maybe"},
        {"password": "x" * 129},
        {"first_name": "Nul\u0000Byte"},  # PostgreSQL cannot store NUL: 422, not 500
        {"last_name": "\ud800"},  # a lone surrogate cannot be encoded
        {"password": "lone-\ud800-surrogate"},
    ):
        response = await post_json(client, "/auth/signup", signup_body(**bad))
        assert response.status_code == 422, (bad, response.text)
        assert isinstance(response.json()["detail"], list)


async def test_unstorable_login_email_is_422_not_500(client: httpx.AsyncClient) -> None:
    for email in ("nul\u0000@example.com", "\udc00@example.com"):
        response = await post_json(client, "/auth/login", {"email": email, "password": "x"})
        assert response.status_code == 422


async def test_wrong_password_and_unknown_email_are_401(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session)
    wrong = await client.post("/auth/login", json={"email": user.email, "password": "nope-nope"})
    unknown = await client.post(
        "/auth/login", json={"email": unique_email("ghost"), "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Wrong email or password"}
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


async def test_disabled_account_cannot_log_in_nor_use_its_token(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    user = await make_user(db_session)
    headers = auth(tokens, user)
    user.is_active = False
    await db_session.commit()
    login = await client.post(
        "/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 401
    assert (await client.get("/auth/me", headers=headers)).status_code == 401


@pytest.mark.parametrize(
    ("token_of", "status"),
    [
        # a well-signed customer token whose user this service does not have
        pytest.param(lambda tokens: tokens.customer(), 401, id="unknown-user"),
        pytest.param(lambda tokens: tokens.service("catalog-fulfillment"), 403, id="service"),
    ],
)
async def test_tokens_without_an_account_cannot_use_account_routes(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    token_of: Callable[[TokenFactory], str],
    status: int,
) -> None:
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token_of(tokens)}"})
    assert response.status_code == status


async def test_update_profile(client: httpx.AsyncClient, shopper: Shopper) -> None:
    _, headers = shopper
    changed = await client.patch(
        "/auth/me", headers=headers, json={"first_name": " Alicia ", "phone": "555-010-0199"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["first_name"] == "Alicia"
    assert changed.json()["last_name"] == "User"  # not sent, not changed
    assert changed.json()["phone"] == "5550100199"

    cleared = await client.patch("/auth/me", headers=headers, json={"phone": None})
    assert cleared.json()["phone"] is None
    for bad in ({"first_name": None}, {"role": "admin"}, {"email": "x@example.com"}):
        response = await client.patch("/auth/me", headers=headers, json=bad)
        assert response.status_code == 422, bad
    me = await client.get("/auth/me", headers=headers)
    assert me.json()["role"] == "customer"


async def test_change_password(client: httpx.AsyncClient, shopper: Shopper) -> None:
    user, headers = shopper
    wrong = await client.post(
        "/auth/me/password",
        headers=headers,
        json={"current_password": "not-it-at-all", "new_password": "Brand-new-pass1"},
    )
    assert wrong.status_code == 400
    short = await client.post(
        "/auth/me/password",
        headers=headers,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "short"},
    )
    assert short.status_code == 422
    changed = await client.post(
        "/auth/me/password",
        headers=headers,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "Brand-new-pass1"},
    )
    assert changed.status_code == 204
    old = await client.post("/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
    new = await client.post(
        "/auth/login", json={"email": user.email, "password": "Brand-new-pass1"}
    )
    assert old.status_code == 401
    assert new.status_code == 200


async def test_bcrypt_hash_verifies_and_is_upgraded_to_argon2id(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    legacy = bcrypt.hashpw(b"Legacy-pass-1", bcrypt.gensalt(rounds=4)).decode()
    user = await make_user(db_session, password_hash=legacy)
    assert user.password_hash.startswith("$2b$")

    login = await client.post(
        "/auth/login", json={"email": user.email, "password": "Legacy-pass-1"}
    )
    assert login.status_code == 200

    stored = await db_session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored is not None and stored.startswith("$argon2id$")
    again = await client.post(
        "/auth/login", json={"email": user.email, "password": "Legacy-pass-1"}
    )
    assert again.status_code == 200


async def test_new_hashes_are_argon2id(client: httpx.AsyncClient, db_session: AsyncSession) -> None:
    email = unique_email("argon")
    assert (await client.post("/auth/signup", json=signup_body(email=email))).status_code == 201
    stored = await db_session.scalar(select(User.password_hash).where(User.email == email))
    assert stored is not None and stored.startswith("$argon2id$")


async def test_corrupt_stored_hash_never_lets_anyone_in(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    user = await make_user(db_session, password_hash="not-a-hash")
    login = await client.post("/auth/login", json={"email": user.email, "password": "anything-1"})
    assert login.status_code == 401


async def test_a_login_waiting_for_its_hash_holds_no_database_transaction(
    db_session: AsyncSession,
) -> None:
    """A login queued in the hashing pool must not keep a pooled connection checkouts need."""
    transaction_open_while_hashing: list[bool] = []

    class WatchingHasher(PasswordHasher):
        async def verify_async(self, password: str, stored_hash: str | None) -> Verification:
            transaction_open_while_hashing.append(db_session.in_transaction())
            return await super().verify_async(password, stored_hash)

    hasher = WatchingHasher(Argon2Cost(time_cost=2, memory_cost_kib=16_384, parallelism=1))
    user = await make_user(db_session, password_hash=hasher.hash("Right-password-1"))
    found = await authenticate(db_session, hasher, email=user.email, password="Right-password-1")
    assert found is not None and found.id == user.id
    assert transaction_open_while_hashing == [False]
    stored = await db_session.scalar(select(User.last_login_at).where(User.id == user.id))
    assert stored is not None  # the success is still recorded after the hash


async def test_unknown_email_costs_as_much_as_a_wrong_password(db_session: AsyncSession) -> None:
    """Timing: without the dummy hash an unknown email would answer ~100x faster."""
    hasher = PasswordHasher(Argon2Cost(time_cost=2, memory_cost_kib=16_384, parallelism=1))
    user = await make_user(db_session, password_hash=hasher.hash("Right-password-1"))

    async def timed(email: str) -> float:
        start = time.perf_counter()
        found = await authenticate(db_session, hasher, email=email, password="Wrong-password-1")
        assert found is None
        return time.perf_counter() - start

    # Interleaved, best of five: both sides see the same load on a busy machine.
    known_runs, unknown_runs = [], []
    for _ in range(5):
        known_runs.append(await timed(user.email))
        unknown_runs.append(await timed(unique_email("ghost")))
    known, unknown = min(known_runs), min(unknown_runs)
    assert unknown >= 0.5 * known, (unknown, known)
    assert known > 0.005  # the cost is real, so the comparison means something


async def test_long_password_with_a_legacy_bcrypt_hash_logs_in_and_is_upgraded_whole(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    """Old bcrypt systems hashed only the first 72 bytes; bcrypt 5 refuses longer input."""
    password = "correct horse battery staple " * 4  # 116 bytes
    legacy = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    user = await make_user(db_session, password_hash=legacy)

    login = await client.post("/auth/login", json={"email": user.email, "password": password})
    assert login.status_code == 200, login.text
    stored = await db_session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored is not None and stored.startswith("$argon2id$")
    # The new hash covers the whole password, not just the 72 bytes bcrypt looked at.
    truncated = password.encode()[:72].decode()
    again = await client.post("/auth/login", json={"email": user.email, "password": truncated})
    assert again.status_code == 401
    whole = await client.post("/auth/login", json={"email": user.email, "password": password})
    assert whole.status_code == 200
