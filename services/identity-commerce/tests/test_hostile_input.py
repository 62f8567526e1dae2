"""SQL injection attempts and oversized strings in auth and address bodies: a clear 4xx,
never a 5xx, never a leak; stored passwords are argon2id."""

from __future__ import annotations

import httpx
import pytest
from identity_commerce.models import User
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import DEFAULT_PASSWORD, auth, make_user

INJECTIONS = ["' OR '1'='1", "admin@example.com' --", "x'; DROP TABLE users; --"]


def no_leak(response: httpx.Response) -> None:
    text = response.text.lower()
    assert "traceback" not in text
    assert "psycopg" not in text
    assert "sqlalchemy" not in text


@pytest.mark.parametrize("payload", INJECTIONS)
async def test_injection_in_login_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db_session: AsyncSession, payload: str
) -> None:
    await make_user(db_session)
    before = await db_session.scalar(select(func.count()).select_from(User))
    response = await client.post("/auth/login", json={"email": payload, "password": payload})
    assert response.status_code in (401, 422)
    no_leak(response)
    assert await db_session.scalar(select(func.count()).select_from(User)) == before


async def test_oversized_fields_are_422_and_huge_bodies_413(client: httpx.AsyncClient) -> None:
    signup = {
        "email": "long@example.com",
        "password": "Long-enough-1",
        "first_name": "n" * 10_000,
        "last_name": "x",
    }
    response = await client.post("/auth/signup", json=signup)
    assert response.status_code == 422
    no_leak(response)
    huge = await client.post("/auth/signup", json={**signup, "first_name": "n" * 2_000_000})
    assert huge.status_code == 413


async def test_injection_in_address_fields_is_stored_as_text(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    user = await make_user(db_session)
    body = {
        "full_name": "Robert'); DROP TABLE addresses;--",
        "line1": "1 Main St",
        "city": "Springfield",
        "postal_code": "12345",
        "country": "US",
        "kind": "shipping",
    }
    created = await client.post("/addresses", json=body, headers=auth(tokens, user))
    assert created.status_code == 201
    listed = await client.get("/addresses", headers=auth(tokens, user))
    assert [a["full_name"] for a in listed.json()] == [body["full_name"]]


async def test_passwords_are_stored_as_argon2id(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    response = await client.post(
        "/auth/signup",
        json={
            "email": "hash-check@example.com",
            "password": DEFAULT_PASSWORD,
            "first_name": "Hash",
            "last_name": "Check",
        },
    )
    assert response.status_code == 201
    stored = await db_session.scalar(
        select(User.password_hash).where(User.email == "hash-check@example.com")
    )
    assert stored is not None and stored.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in stored
