"""Accounts: sign-up, sign-in, profile and password changes, access tokens.

Other parts of the service (checkout, orders) read users with `get_active_user`; tests and the
seed create them with `create_user`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from shopkit.db import utcnow
from shopkit.errors import BadRequest, Conflict
from shopkit.tokens import TokenSigner
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import LinkPurpose, User, UserRole
from identity_commerce.services import account_links
from identity_commerce.services.passwords import PasswordHasher


def normalise_email(email: str) -> str:
    """Emails are compared and stored trimmed and lower-cased."""
    return email.strip().lower()


async def find_user_by_email(session: AsyncSession, *, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalise_email(email)))


async def get_active_user(
    session: AsyncSession, *, user_id: uuid.UUID, for_update: bool = False
) -> User | None:
    """The user with this id, or None when there is none or the account is disabled.

    `for_update=True` locks the user's row until the transaction ends; address and cart
    changes use it to serialise one user's concurrent requests.
    """
    statement = select(User).where(User.id == user_id, User.is_active.is_(True))
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password_hash: str,
    first_name: str,
    last_name: str,
    phone: str | None = None,
    role: UserRole = UserRole.customer,
) -> User:
    """Insert an account; 409 when the email (in any letter case) is taken."""
    email = normalise_email(email)
    if await find_user_by_email(session, email=email) is not None:
        raise Conflict("An account with this email already exists")
    user = User(
        email=email,
        password_hash=password_hash,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        role=role.value,
        is_active=True,
    )
    try:
        # A savepoint, so a concurrent sign-up with the same email that wins the race ends
        # in a clean 409 instead of a broken transaction.
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("An account with this email already exists") from exc
    return user


async def authenticate(
    session: AsyncSession, hasher: PasswordHasher, *, email: str, password: str
) -> User | None:
    """The user when the email and password match an active account, else None.

    Unknown emails are checked against a dummy hash so they take as long as wrong passwords.
    A hash made with an older scheme or cost (bcrypt) is replaced by a fresh argon2id one.
    Ends the caller's transaction once the account is read (see below).
    """
    user = await find_user_by_email(session, email=email)
    # A login can queue for a while in the bounded hashing pool; holding a pooled database
    # connection meanwhile let a burst of logins starve checkouts of connections (503s in
    # the bench). The read is done, so its transaction ends and the connection goes back.
    await session.commit()
    verification = await hasher.verify_async(password, user.password_hash if user else None)
    if user is None or not verification.ok or not user.is_active:
        return None
    if verification.new_hash is not None:
        user.password_hash = verification.new_hash
    user.last_login_at = utcnow()
    await session.flush()
    return user


async def update_profile(session: AsyncSession, *, user: User, changes: dict[str, object]) -> User:
    """Apply the given fields (first_name, last_name, phone); absent fields stay as they are."""
    for field in ("first_name", "last_name", "phone"):
        if field in changes:
            setattr(user, field, changes[field])
    await session.flush()
    return user


async def change_password(
    session: AsyncSession,
    hasher: PasswordHasher,
    *,
    user: User,
    current_password: str,
    new_password: str,
) -> None:
    """Replace the password after checking the current one (400 when it does not match).

    Every access token issued before stops working: whoever may have stolen the password
    or a token is signed out (the token version goes up)."""
    verification = await hasher.verify_async(current_password, user.password_hash)
    if not verification.ok:
        raise BadRequest("The current password is not correct")
    if current_password == new_password:
        raise BadRequest("The new password must differ from the current one")
    user.password_hash = await hasher.hash_async(new_password)
    user.password_changed_at = utcnow()
    user.token_version += 1
    await session.flush()


async def reset_password(
    session: AsyncSession, hasher: PasswordHasher, *, token: str, new_password: str
) -> User:
    """Set a new password through a reset link (400 when the link does not count).

    Like a password change, it ends every access token and every link sent before (the
    token version goes up). The link came to the account's inbox, so the email counts as
    verified from now on."""
    user = await account_links.redeem(session, token=token, purpose=LinkPurpose.password_reset)
    user.password_hash = await hasher.hash_async(new_password)
    user.password_changed_at = utcnow()
    user.token_version += 1
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    await account_links.end_links(session, user_id=user.id, purpose=LinkPurpose.password_reset)
    await session.flush()
    return user


async def verify_email(session: AsyncSession, *, token: str) -> User:
    """Mark the account's email verified through a verification link (400 when the link
    does not count). Verifying twice through two links is harmless."""
    user = await account_links.redeem(session, token=token, purpose=LinkPurpose.email_verification)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    await session.flush()
    return user


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds


def issue_access_token(signer: TokenSigner, *, user: User, ttl: timedelta) -> IssuedToken:
    """An RS256 access token (kid identity-commerce) with sub, email, role, iss, aud, exp,
    iat, jti, typ=access and ver (the account's token version); a staff token also lists
    its permissions (`perms`, space-separated), which every service checks."""
    extra: dict[str, object] = {"name": user.full_name, "ver": user.token_version}
    if user.role == UserRole.staff.value:
        extra["perms"] = " ".join(sorted(user.permissions))
    token = signer.issue(
        subject=str(user.id),
        role=user.role,  # type: ignore[arg-type]
        email=user.email,
        ttl=ttl,
        extra=extra,
    )
    return IssuedToken(access_token=token, expires_in=int(ttl.total_seconds()))


async def account_status(session: AsyncSession, *, user_id: uuid.UUID) -> User | None:
    """The account, active or not (other services ask whether its tokens still count)."""
    return await session.get(User, user_id)
