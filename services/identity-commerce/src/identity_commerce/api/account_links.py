"""/auth routes behind one-time email links: password reset and email verification.

Who may call: anyone for the reset request and for redeeming a link (the link is the
credential; whoever opens the email may not be signed in, or not on that device); only the
signed-in owner for a new verification email. How often: link requests count per email (or
account) and per client address, failed redemptions per client address (all in
PostgreSQL, shared by every worker). A reset request answers the same whether or not the
account exists, so it tells nobody which emails have accounts.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status
from shopkit.db import SessionDep
from shopkit.errors import (
    BadRequest,
    Conflict,
    RequestInvalid,
    ServiceUnavailable,
    TooManyRequests,
    behind_token,
    error_responses,
)

from identity_commerce.api.deps import (
    ClientAddress,
    CurrentAccount,
    PasswordHasherDep,
    SettingsDep,
)
from identity_commerce.core.config import Settings
from identity_commerce.models import LinkPurpose
from identity_commerce.schemas.accounts import (
    Accepted,
    EmailVerification,
    PasswordResetConfirm,
    PasswordResetRequest,
)
from identity_commerce.services import account_links, accounts, rate_limit

router = APIRouter(prefix="/auth", tags=["auth"])

RESET_ACCEPTED = (
    "If an account exists for this email, a link to reset its password is on its way. "
    "It works once, within the hour."
)


def _link_request_limits(settings: Settings, *, who: str, client: str) -> list[rate_limit.Limit]:
    window = timedelta(seconds=settings.account_link_window_seconds)
    return [
        rate_limit.Limit(
            f"account-link:{who}:client:{client}", settings.account_link_max_per_email, window
        ),
        rate_limit.Limit(
            f"account-link:{who}", settings.account_link_max_per_email_all_clients, window
        ),
        rate_limit.Limit(
            f"account-link:client:{client}", settings.account_link_max_per_client, window
        ),
    ]


def _redeem_failures(settings: Settings, *, client: str) -> rate_limit.Limit:
    return rate_limit.Limit(
        f"account-link:failures:client:{client}",
        settings.account_link_max_failures_per_client,
        timedelta(seconds=settings.account_link_window_seconds),
    )


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    summary="Email a password reset link",
    description=(
        "Always 202 with the same body, whether or not an account has this email. For an "
        "active account a `PASSWORD_RESET_REQUESTED` event makes notifications email a link "
        "`<shop>/reset-password?token=...` (single use, valid `PASSWORD_RESET_TTL_MINUTES`, "
        "60 by default). At most `ACCOUNT_LINK_MAX_PER_EMAIL` (3) requests per email from one "
        "client address, `ACCOUNT_LINK_MAX_PER_EMAIL_ALL_CLIENTS` (10) per email from all "
        "addresses and `ACCOUNT_LINK_MAX_PER_CLIENT` (10) per client address per "
        "`ACCOUNT_LINK_WINDOW_SECONDS` (1 h), then 429 with Retry-After."
    ),
    responses=error_responses(RequestInvalid, TooManyRequests, ServiceUnavailable),
)
async def request_password_reset(
    body: PasswordResetRequest, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> Accepted:
    email = accounts.normalise_email(body.email)
    await rate_limit.hit_all(
        session, limits=_link_request_limits(settings, who=f"email:{email}", client=client)
    )
    user = await accounts.find_user_by_email(session, email=email)
    if user is not None and user.is_active:
        await account_links.send_link(
            session,
            user=user,
            purpose=LinkPurpose.password_reset,
            ttl=timedelta(minutes=settings.password_reset_ttl_minutes),
        )
    return Accepted(detail=RESET_ACCEPTED)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a new password with a reset link's token",
    description=(
        "400 when the token is unknown, used, expired, or was sent before the password last "
        "changed. On success the old password stops working and every access token and "
        "reset link issued before stops working on every service; the email counts as "
        "verified. `ACCOUNT_LINK_MAX_FAILURES_PER_CLIENT` (20) failed tokens per client "
        "address per window, then 429."
    ),
    responses=error_responses(
        BadRequest.documented("The link is invalid, was already used or has expired"),
        RequestInvalid,
        TooManyRequests,
        ServiceUnavailable,
    ),
)
async def confirm_password_reset(
    body: PasswordResetConfirm,
    session: SessionDep,
    hasher: PasswordHasherDep,
    settings: SettingsDep,
    client: ClientAddress,
) -> None:
    failures = _redeem_failures(settings, client=client)
    await rate_limit.hit(session, limit=failures)
    await session.commit()  # counted even when the token turns out wrong (that rolls back)
    await accounts.reset_password(session, hasher, token=body.token, new_password=body.new_password)
    await rate_limit.refund(session, key=failures.key)


@router.post(
    "/verify-email",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Confirm the account's email with a verification link's token",
    description=(
        "Needs no sign-in (the link may be opened on another device). 400 when the token is "
        "unknown, used, expired or was sent to another email; failed tokens count per client "
        "address like reset tokens. Afterwards `GET /auth/me` shows `email_verified: true`."
    ),
    responses=error_responses(
        BadRequest.documented("The link is invalid, was already used or has expired"),
        RequestInvalid,
        TooManyRequests,
        ServiceUnavailable,
    ),
)
async def verify_email(
    body: EmailVerification, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> None:
    failures = _redeem_failures(settings, client=client)
    await rate_limit.hit(session, limit=failures)
    await session.commit()
    await accounts.verify_email(session, token=body.token)
    await rate_limit.refund(session, key=failures.key)


@router.post(
    "/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    summary="Email a new verification link to the signed-in account",
    description=(
        "409 when the email is already verified. Limited like reset requests: "
        "`ACCOUNT_LINK_MAX_PER_EMAIL` per account from one client address, "
        "`ACCOUNT_LINK_MAX_PER_EMAIL_ALL_CLIENTS` per account and `ACCOUNT_LINK_MAX_PER_CLIENT` "
        "per client address per window, then 429. Earlier links keep working until they expire."
    ),
    responses=behind_token(
        Conflict.documented("The email is already verified"),
        TooManyRequests,
        ServiceUnavailable,
    ),
)
async def resend_verification(
    user: CurrentAccount, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> Accepted:
    if user.email_verified:
        raise Conflict("This email is already verified")
    await rate_limit.hit_all(
        session, limits=_link_request_limits(settings, who=f"account:{user.id}", client=client)
    )
    await account_links.send_link(
        session,
        user=user,
        purpose=LinkPurpose.email_verification,
        ttl=timedelta(hours=settings.email_verification_ttl_hours),
    )
    return Accepted(detail=f"A new verification link is on its way to {user.email}.")
