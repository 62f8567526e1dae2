"""Checkout's Idempotency-Key replies are forgotten after a day (services/orders_expiry.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from identity_commerce.models import IdempotencyKey, User
from identity_commerce.services.orders_expiry import forget_old_idempotency_keys
from shopkit.db import Database, utcnow
from shopkit.testing.database import TestDatabases
from sqlalchemy import select


async def test_keys_older_than_a_day_are_deleted_newer_ones_kept(
    test_databases: TestDatabases,
) -> None:
    db = Database(test_databases.clone(f"keys_{uuid.uuid4().hex[:6]}"))
    try:
        async with db.sessionmaker() as session, session.begin():
            user = User(email="keys@example.com", password_hash="x", first_name="K", last_name="Y")
            session.add(user)
            await session.flush()
            for key, age in (("old", timedelta(hours=25)), ("fresh", timedelta(hours=23))):
                session.add(
                    IdempotencyKey(
                        user_id=user.id, key=key, request_hash="h", created_at=utcnow() - age
                    )
                )
        assert await forget_old_idempotency_keys(db.sessionmaker) == 1
        async with db.sessionmaker() as session:
            assert list(await session.scalars(select(IdempotencyKey.key))) == ["fresh"]
    finally:
        await db.dispose()
