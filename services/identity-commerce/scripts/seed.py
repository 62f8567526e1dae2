"""Demo accounts for identity-commerce (safe to run again).

    uv run python scripts/seed.py            # from services/identity-commerce

Creates, or repairs, the admin and two customers, each customer with a default shipping
address. Running it again changes nothing, except to put back a demo password or role that
was changed, so the documented credentials always work.

| email              | password   | role     |
| admin@example.com  | Admin@123  | admin    |
| alice@example.com  | Alice@123  | customer |
| bob@example.com    | Bob@123    | customer |
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from typing import Any

from identity_commerce.core.config import Settings
from identity_commerce.models import Address, AddressKind, User, UserRole
from identity_commerce.services.accounts import create_user, find_user_by_email
from identity_commerce.services.addresses import create_address
from identity_commerce.services.passwords import PasswordHasher
from shopkit.db import Database
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    role: UserRole
    first_name: str
    last_name: str
    phone: str | None
    shipping: dict[str, Any] | None = field(default=None)


DEMO_USERS = [
    DemoUser("admin@example.com", "Admin@123", UserRole.admin, "Ada", "Admin", None),
    DemoUser(
        "alice@example.com",
        "Alice@123",
        UserRole.customer,
        "Alice",
        "Martin",
        "+15105550142",
        shipping={
            "full_name": "Alice Martin",
            "line1": "2150 Shattuck Ave",
            "line2": "Apt 704",
            "city": "Berkeley",
            "state": "CA",
            "postal_code": "94704",
            "country": "US",
            "phone": "+15105550142",
        },
    ),
    DemoUser(
        "bob@example.com",
        "Bob@123",
        UserRole.customer,
        "Bob",
        "Smith",
        "+13125550187",
        shipping={
            "full_name": "Bob Smith",
            "line1": "1420 N Halsted St",
            "line2": None,
            "city": "Chicago",
            "state": "IL",
            "postal_code": "60642",
            "country": "US",
            "phone": "+13125550187",
        },
    ),
]


async def _ensure_user(session: AsyncSession, hasher: PasswordHasher, demo: DemoUser) -> str:
    user = await find_user_by_email(session, email=demo.email)
    if user is None:
        user = await create_user(
            session,
            email=demo.email,
            password_hash=hasher.hash(demo.password),
            first_name=demo.first_name,
            last_name=demo.last_name,
            phone=demo.phone,
            role=demo.role,
        )
        outcome = "created"
    else:
        outcome = "present"
        if not hasher.verify(demo.password, user.password_hash).ok:
            user.password_hash = hasher.hash(demo.password)
            outcome = "password reset"
        if user.role != demo.role.value or not user.is_active:
            user.role, user.is_active = demo.role.value, True
            outcome = "role/activity restored"
    if demo.shipping is not None and await _has_shipping_address(session, user):
        return outcome
    if demo.shipping is not None:
        await create_address(
            session,
            user_id=user.id,
            fields={**demo.shipping, "kind": AddressKind.shipping.value, "is_default": True},
        )
        outcome += ", shipping address added"
    return outcome


async def _has_shipping_address(session: AsyncSession, user: User) -> bool:
    found = await session.scalar(
        select(Address.id).where(
            Address.user_id == user.id, Address.kind == AddressKind.shipping.value
        )
    )
    return found is not None


async def seed(database_url: str, settings: Settings) -> dict[str, str]:
    """Apply the demo accounts in one transaction; returns what happened per email."""
    hasher = PasswordHasher.from_settings(settings)
    db = Database(database_url)
    report: dict[str, str] = {}
    try:
        async with db.sessionmaker() as session, session.begin():
            for demo in DEMO_USERS:
                report[demo.email] = await _ensure_user(session, hasher, demo)
    finally:
        await db.dispose()
    return report


def main() -> int:
    settings = Settings()
    report = asyncio.run(seed(settings.sqlalchemy_url, settings))
    for email, outcome in report.items():
        print(f"seed identity-commerce: {email}: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
