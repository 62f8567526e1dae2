"""Every secured route refuses missing and bad tokens; privileged ones refuse weaker roles
(with tokens of real accounts: identity-commerce refuses tokens whose account does not exist)."""

from pathlib import Path

import httpx
from identity_commerce.models import UserRole
from shopkit.testing.security import assert_auth_enforced
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import make_user


async def test_every_secured_route_enforces_its_tokens(
    client: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path, db_session: AsyncSession
) -> None:
    customer = await make_user(db_session)
    admin = await make_user(db_session, role=UserRole.admin)
    checked = await assert_auth_enforced(
        client,
        tokens,
        tmp_path,
        privileged=("/admin",),
        service_only=("/internal",),
        customer_token=tokens.customer(user_id=customer.id),
        admin_token=tokens.admin(user_id=admin.id),
    )
    assert checked >= 15
