"""Helpers that arrange accounts and addresses directly in the test's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from identity_commerce.core.config import FAST_TEST_ARGON2
from identity_commerce.models import Address, User, UserRole
from identity_commerce.services.accounts import create_user
from identity_commerce.services.passwords import PasswordHasher
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

hasher = PasswordHasher(FAST_TEST_ARGON2)
DEFAULT_PASSWORD = "Correct-Horse-9"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


async def make_user(
    session: AsyncSession,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    role: UserRole = UserRole.customer,
    first_name: str = "Test",
    last_name: str = "User",
    password_hash: str | None = None,
) -> User:
    user = await create_user(
        session,
        email=email or unique_email(),
        password_hash=password_hash or hasher.hash(password),
        first_name=first_name,
        last_name=last_name,
        role=role,
    )
    await session.commit()  # releases the savepoint; the test's transaction still holds it
    return user


def auth(tokens: TokenFactory, user: User) -> dict[str, str]:
    token = tokens.user(user.role, user_id=user.id, email=user.email)
    return {"Authorization": f"Bearer {token}"}


# A customer and the headers that sign it in (the `shopper` fixture).
Shopper = tuple[User, dict[str, str]]


def address_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "shipping",
        "full_name": "Alice Doe",
        "line1": "1600 Amphitheatre Parkway",
        "city": "Mountain View",
        "state": "CA",
        "postal_code": "94043",
        "country": "US",
        "phone": "+1 650 253 0000",
        "is_default": False,
    }
    body.update(overrides)
    return body


async def make_address(session: AsyncSession, user: User, **overrides: Any) -> Address:
    fields = address_body(**overrides)
    fields["phone"] = "+16502530000"
    address = Address(user_id=user.id, **fields)
    session.add(address)
    await session.commit()
    return address
