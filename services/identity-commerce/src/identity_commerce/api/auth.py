"""/auth: sign-up, login, the signed-in user's profile and password."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, status
from shopkit.db import SessionDep
from shopkit.errors import Unauthorized
from shopkit.tokens import TokenSigner

from identity_commerce.api.dependencies import (
    ClientAddress,
    CurrentAccount,
    PasswordHasherDep,
    SettingsDep,
)
from identity_commerce.core.config import Settings
from identity_commerce.models import User
from identity_commerce.schemas.accounts import (
    LoginRequest,
    PasswordChange,
    ProfileUpdate,
    SignupRequest,
    TokenResponse,
    UserOut,
)
from identity_commerce.schemas.problems import problem_responses
from identity_commerce.services import accounts, rate_limit

router = APIRouter(prefix="/auth", tags=["auth"])


def _window(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.rate_limit_window_seconds)


def login_limits(settings: Settings, *, email: str, client: str) -> list[rate_limit.Limit]:
    return [
        rate_limit.Limit(
            f"login:email:{email}", settings.login_max_failures_per_email, _window(settings)
        ),
        rate_limit.Limit(
            f"login:client:{client}", settings.login_max_failures_per_client, _window(settings)
        ),
    ]


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    summary="Create a customer account",
    responses=problem_responses(
        409, 422, 429, e409="An account with this email (in any letter case) exists"
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
        f"signup:client:{client}", settings.signup_max_failures_per_client, _window(settings)
    )
    await rate_limit.hit(session, limit=limit)
    # Durable now: the sign-up below may fail (409) and roll the request's work back.
    await session.commit()
    user = await accounts.create_user(
        session,
        email=body.email,
        password_hash=await hasher.hash_async(body.password),
        first_name=body.first_name,
        last_name=body.last_name,
        phone=body.phone,
    )
    await rate_limit.refund(session, key=limit.key)
    return user


@router.post(
    "/login",
    response_model=TokenResponse,
    summary="Exchange email and password for an access token",
    description=(
        "After 5 failed attempts for one email (or 20 from one client address) within 15 "
        "minutes the answer is 429 with Retry-After. Paste `access_token` into /docs' "
        "Authorize button to call protected routes."
    ),
    responses=problem_responses(401, 422, 429, e401="Wrong email or password"),
)
async def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    hasher: PasswordHasherDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> TokenResponse:
    email_limit, client_limit = login_limits(settings, email=body.email, client=client)
    await rate_limit.hit(session, limit=email_limit)
    await rate_limit.hit(session, limit=client_limit)
    # Count the attempt before the (slow) password check and make it visible to every
    # worker at once, so a burst of parallel guesses cannot get past the limit.
    await session.commit()
    user = await accounts.authenticate(session, hasher, email=body.email, password=body.password)
    if user is None:
        raise Unauthorized("Wrong email or password")
    # Failures "in a row" end with a success; the client address only gets this one back.
    await rate_limit.reset(session, key=email_limit.key)
    await rate_limit.refund(session, key=client_limit.key)
    signer: TokenSigner = request.app.state.token_signer
    issued = accounts.issue_access_token(
        signer, user=user, ttl=timedelta(minutes=settings.access_token_ttl_minutes)
    )
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get(
    "/me",
    response_model=UserOut,
    summary="The signed-in user",
    responses=problem_responses(401, 403),
)
async def me(user: CurrentAccount) -> User:
    return user


@router.patch(
    "/me",
    response_model=UserOut,
    summary="Change names or phone",
    responses=problem_responses(401, 403, 422),
)
async def update_me(body: ProfileUpdate, user: CurrentAccount, session: SessionDep) -> User:
    return await accounts.update_profile(
        session, user=user, changes=body.model_dump(exclude_unset=True)
    )


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change the password (needs the current one)",
    description="Access tokens already issued stay valid until they expire.",
    responses=problem_responses(
        400, 401, 403, 422, 429, e400="The current password is wrong or equals the new one"
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
    email_limit, client_limit = login_limits(settings, email=user.email, client=client)
    await rate_limit.hit(session, limit=email_limit)
    await rate_limit.hit(session, limit=client_limit)
    await session.commit()
    await accounts.change_password(
        session,
        hasher,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    await rate_limit.reset(session, key=email_limit.key)
    await rate_limit.refund(session, key=client_limit.key)
