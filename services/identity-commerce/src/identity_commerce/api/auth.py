"""/auth: sign-up, login, the signed-in user's profile and password."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, status
from shopkit.db import SessionDep
from shopkit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    RequestInvalid,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    behind_token,
    error_responses,
)
from shopkit.tokens import TokenSigner

from identity_commerce.api.deps import (
    ClientAddress,
    CurrentAccount,
    PasswordHasherDep,
    SettingsDep,
)
from identity_commerce.core.config import Settings
from identity_commerce.models import LinkPurpose, User
from identity_commerce.schemas.accounts import (
    LoginRequest,
    PasswordChange,
    ProfileUpdate,
    SignupRequest,
    TokenResponse,
    UserOut,
)
from identity_commerce.services import account_links, accounts, rate_limit

router = APIRouter(prefix="/auth", tags=["auth"])


def _window(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.rate_limit_window_seconds)


def login_limits(settings: Settings, *, email: str, client: str) -> list[rate_limit.Limit]:
    """Failures of one account from one address, and of one address whatever the account.

    Neither can lock anyone else out: the first blocks only the guessing address for that
    account, the second only the guessing address."""
    return [
        rate_limit.Limit(
            f"login:account-client:{email}:{client}",
            settings.login_max_failures_per_account_and_client,
            _window(settings),
        ),
        rate_limit.Limit(
            f"login:client:{client}", settings.login_max_failures_per_client, _window(settings)
        ),
    ]


def account_backoff(settings: Settings, *, email: str) -> rate_limit.Backoff:
    """Failures of one account from every address: slowed down, never blocked."""
    return rate_limit.Backoff(
        f"login:account:{email}",
        free_attempts=settings.login_account_free_failures,
        window=_window(settings),
        base_delay=timedelta(seconds=settings.login_account_backoff_base_seconds),
        max_delay=timedelta(seconds=settings.login_account_backoff_max_seconds),
    )


def known_address_key(*, email: str, client: str) -> str:
    return f"login:known:{email}:{client}"


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    summary="Create a customer account",
    description=(
        "Every sign-up counts, successful or not: 10 per client address per hour by "
        "default (`SIGNUP_MAX_PER_CLIENT`, `SIGNUP_WINDOW_SECONDS`), then 429 with "
        "Retry-After. The new account's email is not verified yet: an "
        "`EMAIL_VERIFICATION_REQUESTED` event makes notifications email a link "
        "`<shop>/verify-email?token=...` (valid `EMAIL_VERIFICATION_TTL_HOURS`, 48 by default)."
    ),
    responses=error_responses(
        Conflict.documented("An account with this email (in any letter case) exists"),
        RequestInvalid,
        TooManyRequests,
        ServiceUnavailable,
    ),
)
async def signup(
    body: SignupRequest,
    session: SessionDep,
    hasher: PasswordHasherDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> User:
    limit = rate_limit.Limit(
        f"signup:client:{client}",
        settings.signup_max_per_client,
        timedelta(seconds=settings.signup_window_seconds),
    )
    await rate_limit.hit(session, limit=limit)
    # Durable now and never refunded: every account one address creates can hold stock
    # and write reviews, so successes count as much as failures.
    await session.commit()
    user = await accounts.create_user(
        session,
        email=body.email,
        password_hash=await hasher.hash_async(body.password),
        first_name=body.first_name,
        last_name=body.last_name,
        phone=body.phone,
    )
    # The account exists with its verification email or not at all (same transaction).
    await account_links.send_link(
        session,
        user=user,
        purpose=LinkPurpose.email_verification,
        ttl=timedelta(hours=settings.email_verification_ttl_hours),
    )
    return user


@router.post(
    "/login",
    response_model=TokenResponse,
    summary="Exchange email and password for an access token",
    description=(
        "After 5 failed attempts for one email from one client address within 15 minutes, "
        "that address gets 429 with Retry-After for that email (other addresses do not); "
        "after 20 failures from one address, that address gets 429 for every email. Past 10 "
        "failures for one email from all addresses together, each further attempt must "
        "wait 1, 2, 4, ... (at most 30) seconds after the previous one (429 with a short "
        "Retry-After); addresses the account signed in from recently skip that wait. Paste "
        "`access_token` into /docs' Authorize button to call protected routes."
    ),
    responses=error_responses(
        Unauthorized.documented("Wrong email or password"),
        RequestInvalid,
        TooManyRequests,
        ServiceUnavailable,
    ),
)
async def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    hasher: PasswordHasherDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> TokenResponse:
    pair_limit, client_limit = login_limits(settings, email=body.email, client=client)
    backoff = account_backoff(settings, email=body.email)
    known_key = known_address_key(email=body.email, client=client)
    await rate_limit.hit(session, limit=client_limit)
    await rate_limit.hit(session, limit=pair_limit)
    known = await rate_limit.remembered(session, key=known_key)
    if not known:
        await rate_limit.hit_with_backoff(session, backoff=backoff)
    # Count the attempt before the (slow) password check and make it visible to every
    # worker at once, so a burst of parallel guesses cannot get past the limit. (A 429
    # above rolls back: a refused attempt is not counted.)
    await session.commit()
    user = await accounts.authenticate(session, hasher, email=body.email, password=body.password)
    if user is None:
        raise Unauthorized("Wrong email or password")
    # Failures "in a row" end with a success; the address and the account only get this
    # one attempt back (an owner's success does not reopen the account to guessers).
    await rate_limit.reset(session, key=pair_limit.key)
    await rate_limit.refund(session, key=client_limit.key)
    if not known:
        await rate_limit.refund(session, key=backoff.key)
    if settings.login_known_address_days:
        await rate_limit.remember(
            session, key=known_key, ttl=timedelta(days=settings.login_known_address_days)
        )
    signer: TokenSigner = request.app.state.token_signer
    issued = accounts.issue_access_token(
        signer, user=user, ttl=timedelta(minutes=settings.access_token_ttl_minutes)
    )
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get(
    "/me",
    response_model=UserOut,
    summary="The signed-in user",
    responses=behind_token(),
)
async def me(user: CurrentAccount) -> User:
    return user


@router.patch(
    "/me",
    response_model=UserOut,
    summary="Change names or phone",
    responses=behind_token(RequestInvalid),
)
async def update_me(body: ProfileUpdate, user: CurrentAccount, session: SessionDep) -> User:
    return await accounts.update_profile(
        session, user=user, changes=body.model_dump(exclude_unset=True)
    )


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change the password (needs the current one)",
    description="Every access token issued before, this one included, stops working at "
    "once on every service: sign in again with the new password.",
    responses=error_responses(
        BadRequest.documented("The current password is wrong or equals the new one"),
        Unauthorized,
        Forbidden,
        RequestInvalid,
        TooManyRequests,
        ServiceUnavailable,
    ),
)
async def change_password(
    body: PasswordChange,
    user: CurrentAccount,
    session: SessionDep,
    hasher: PasswordHasherDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> None:
    # Same counters as login: a stolen token must not become a password-guessing oracle.
    pair_limit, client_limit = login_limits(settings, email=user.email, client=client)
    await rate_limit.hit(session, limit=client_limit)
    await rate_limit.hit(session, limit=pair_limit)
    await session.commit()
    await accounts.change_password(
        session,
        hasher,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    await rate_limit.reset(session, key=pair_limit.key)
    await rate_limit.refund(session, key=client_limit.key)
