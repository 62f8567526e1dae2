"""The account check of services other than identity-commerce: ask identity-commerce.

A user token says who the caller was when it was issued; whether that account is still
active, still an admin and still on the same token version only identity-commerce knows.
catalog-fulfillment and notifications therefore ask `GET /internal/accounts/{user_id}`
(service token with `accounts:read`) on every request that carries a user token, and act on
the answer at once.

The trade-off, chosen on purpose: those routes (admin routes, posting a review, reading a
shipment) need identity-commerce to answer, and answer 503 with Retry-After when it does
not, rather than trust a token whose account may have been disabled since. Public reads and
service-to-service calls carry no user token and never ask. Nothing is cached, so a change
takes effect on the very next request; the cost is one small HTTP call on those routes.
"""

from __future__ import annotations

import uuid

import httpx
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from shopkit.auth import AccountStatus, confirm_account
from shopkit.errors import ServiceUnavailable, Unauthorized
from shopkit.http import ServiceClient, make_client
from shopkit.scopes import ACCOUNTS_READ
from shopkit.settings import ServiceSettings
from shopkit.tokens import Principal, TokenSigner

ACCOUNT_PATH = "/internal/accounts/{user_id}"


class RemoteAccountCheck(ServiceClient):
    service_name = "identity-commerce"
    remote = True  # routes taking user tokens may answer 503 (shopkit.auth.document_auth)
    # Where questions go when `build` is given no transport: the network, except inside a
    # service's own test run (shopkit.testing.plugin puts identity's stand-in here).
    default_transport: httpx.AsyncBaseTransport | None = None

    @classmethod
    def build(
        cls,
        settings: ServiceSettings,
        signer: TokenSigner,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> RemoteAccountCheck:
        client = make_client(
            settings.identity_url,
            timeout=settings.http_timeout_seconds,
            token_provider=lambda: signer.service_token(
                settings.service_token_ttl_seconds, scopes=(ACCOUNTS_READ,)
            ),
            transport=transport or cls.default_transport,
        )
        return cls(client, retries=settings.http_retries, backoff_max=0.5)

    async def status(self, user_id: uuid.UUID) -> AccountStatus | None:
        """identity-commerce's answer; None for an account it does not know."""
        response = await self.request("GET", ACCOUNT_PATH.format(user_id=user_id))
        if response.status_code == 404:
            return None
        try:
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            body = response.json()
            return AccountStatus(
                active=bool(body["active"]),
                role=str(body["role"]),
                token_version=int(body["token_version"]),
                # Absent from an older identity-commerce: not verified (fail closed).
                email_verified=body.get("email_verified") is True,
            )
        except (ValueError, KeyError, TypeError) as exc:
            # 401/403 (keys still propagating) or a broken answer: fail closed, retryably.
            raise ServiceUnavailable(
                "identity-commerce could not confirm the account; try again shortly",
                retry_after=5,
            ) from exc

    async def __call__(
        self, request: Request, principal: Principal, session: AsyncSession
    ) -> Principal:
        try:
            user_id = principal.user_id
        except ValueError as exc:
            raise Unauthorized("Invalid token subject") from exc
        status = await self.status(user_id)
        confirmed = confirm_account(principal, status)
        request.state.account_status = status  # routes read e.g. `email_verified` from it
        return confirmed

    async def aclose(self) -> None:
        await self.client.aclose()
