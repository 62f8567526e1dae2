"""Typed client for the identity-commerce endpoints this service uses."""

from __future__ import annotations

import logging
import uuid

import httpx
from shopkit.http import ServiceClient, make_client
from shopkit.scopes import PURCHASES_READ
from shopkit.tokens import TokenSigner

log = logging.getLogger("catalog_fulfillment.clients.identity")


class UnexpectedAnswer(Exception):
    """identity-commerce answered, but not with what the contract promises."""


class IdentityClient(ServiceClient):
    service_name = "identity-commerce"

    @classmethod
    def build(
        cls,
        *,
        base_url: str,
        signer: TokenSigner,
        timeout: float,
        retries: int,
        token_ttl_seconds: int = 300,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> IdentityClient:
        client = make_client(
            base_url,
            timeout=timeout,
            token_provider=lambda: signer.service_token(
                token_ttl_seconds, scopes=(PURCHASES_READ,)
            ),
            transport=transport,
        )
        return cls(client, retries=retries, backoff_max=0.5)

    async def verified_purchase(self, *, user_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        """True when the user has a paid (or later) order containing the product.

        Raises `shopkit.http.UpstreamUnavailable` when identity-commerce cannot be reached
        and `UnexpectedAnswer` when it answers outside the contract.
        """
        response = await self.request(
            "GET",
            "/internal/verified-purchase",
            params={"user_id": str(user_id), "product_id": str(product_id)},
        )
        if response.status_code != 200:
            raise UnexpectedAnswer(f"HTTP {response.status_code}")
        try:
            verified = response.json()["verified"]
        except (ValueError, KeyError, TypeError) as exc:
            raise UnexpectedAnswer("body without 'verified'") from exc
        if not isinstance(verified, bool):
            raise UnexpectedAnswer("'verified' is not a boolean")
        return verified

    async def aclose(self) -> None:
        await self.client.aclose()
