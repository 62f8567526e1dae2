"""Every secured route refuses missing and bad tokens; privileged ones refuse weaker roles
(with tokens of real accounts: identity-commerce refuses tokens whose account does not exist)."""

from identity_commerce.models import UserRole
from shopkit.testing.security import AuthSweep
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import make_user


class TestAuthSweep(AuthSweep):
    privileged = ("/admin",)
    service_only = ("/internal",)
    at_least = 15

    async def user_tokens(
        self, tokens: TokenFactory, db_session: AsyncSession
    ) -> tuple[str | None, str | None]:
        customer = await make_user(db_session)
        admin = await make_user(db_session, role=UserRole.admin)
        return tokens.customer(user_id=customer.id), tokens.admin(user_id=admin.id)
