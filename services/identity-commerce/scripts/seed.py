"""Demo accounts for identity-commerce (safe to run again).

    uv run python scripts/seed.py            # from services/identity-commerce

Creates, or repairs, the accounts listed in the package's seeding/data/demo_accounts.json
(the admin and two customers, each customer with a default shipping address; the
credentials are in docs/api/identity-commerce.md). Running it again changes nothing, except
to put back a demo password or role that was changed, so the documented credentials always
work.
"""

from __future__ import annotations

import asyncio
import sys

from identity_commerce.core.config import Settings
from identity_commerce.models import Address, AddressKind, User
from identity_commerce.seeding.demo_accounts import DemoAccount, demo_accounts
from identity_commerce.services.accounts import create_user, find_user_by_email
from identity_commerce.services.addresses import create_address
from identity_commerce.services.passwords import PasswordHasher
from shopkit.db import Database, utcnow
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession


async def _ensure_user(session: AsyncSession, hasher: PasswordHasher, demo: DemoAccount) -> str:
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
        # Demo accounts use example.com addresses nobody can read: verified from the start,
        # so they can write reviews like any real shopper who clicked the link.
        user.email_verified_at = utcnow()
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
            fields={
                **demo.shipping.model_dump(),
                "kind": AddressKind.shipping.value,
                "is_default": True,
            },
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
            for demo in demo_accounts():
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
