"""Demo accounts for identity-commerce (safe to run again).

    uv run python scripts/seed.py            # from services/identity-commerce

Creates the accounts listed in the package's seeding/data/demo_accounts.json that do not
exist yet (the admin and two customers, each customer with a default shipping address; the
credentials are in docs/api/identity-commerce.md), and the shipping methods "Standard"
(the settings' flat rule) and "Express" unless shipping zones exist. An account that
exists is left exactly as it is: a changed password, role or address is never put back,
so running the seed again (SEED_ON_START does on every container start) cannot reopen the
documented demo password.
Refuses to run with ENV=production.
"""

from __future__ import annotations

import asyncio
import sys

from identity_commerce.core.config import Settings
from identity_commerce.models import AddressKind
from identity_commerce.seeding.demo_accounts import DemoAccount, demo_accounts
from identity_commerce.seeding.shipping_methods import ensure_shipping_methods
from identity_commerce.services.accounts import create_user, find_user_by_email
from identity_commerce.services.addresses import create_address
from identity_commerce.services.passwords import PasswordHasher
from shopkit.db import Database, utcnow
from shopkit.settings import refuse_seeding_in_production
from sqlalchemy.ext.asyncio import AsyncSession


async def _ensure_user(session: AsyncSession, hasher: PasswordHasher, demo: DemoAccount) -> str:
    """Create the demo account when its email is free; an existing account is not touched."""
    if await find_user_by_email(session, email=demo.email) is not None:
        return "present"
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
    if demo.shipping is None:
        return "created"
    await create_address(
        session,
        user_id=user.id,
        fields={
            **demo.shipping.model_dump(),
            "kind": AddressKind.shipping.value,
            "is_default": True,
        },
    )
    return "created, shipping address added"


async def seed(database_url: str, settings: Settings) -> dict[str, str]:
    """Apply the demo accounts in one transaction; returns what happened per email."""
    hasher = PasswordHasher.from_settings(settings)
    db = Database(database_url)
    report: dict[str, str] = {}
    try:
        async with db.sessionmaker() as session, session.begin():
            for demo in demo_accounts():
                report[demo.email] = await _ensure_user(session, hasher, demo)
            report["shipping methods"] = await ensure_shipping_methods(session, settings)
    finally:
        await db.dispose()
    return report


def main() -> int:
    refuse_seeding_in_production("identity-commerce")
    settings = Settings()
    report = asyncio.run(seed(settings.sqlalchemy_url, settings))
    for email, outcome in report.items():
        print(f"seed identity-commerce: {email}: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
