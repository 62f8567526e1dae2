"""A stand-in for identity-commerce's account directory (`GET /internal/accounts/{id}`).

catalog-fulfillment and notifications ask identity-commerce about the account behind every
user token (shopkit.accounts). Their own test suites have no identity-commerce running, so
the HTTP edge answers from the accounts a `TokenFactory` minted tokens for: active, with the
role of the token. It checks the caller's service token (trusted key, `accounts:read`) as
the real route does. The behaviour itself is proven against the real identity-commerce in
`services/identity-commerce/tests/test_account_revocation.py`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from shopkit.scopes import ACCOUNTS_READ
from shopkit.testing.stub_server import QuietHandler, serving_handler
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import TokenError, TokenVerifier

_ACCOUNT_PATH = re.compile(r"^/internal/accounts/([0-9a-fA-F-]{36})$")


def answer(tokens: TokenFactory, path: str, authorization: str | None) -> tuple[int, dict]:  # type: ignore[type-arg]
    """(status, body) identity-commerce would give for this request."""
    verifier = TokenVerifier.from_keys_dir(
        tokens.keys_dir, issuer=tokens.issuer, audience=tokens.audience
    )
    scheme, _, token = (authorization or "").partition(" ")
    try:
        principal = verifier.verify(token) if scheme.lower() == "bearer" else None
    except TokenError:
        principal = None
    if principal is None:
        return 401, {"detail": "Not authenticated"}
    if ACCOUNTS_READ not in principal.scopes:
        return 403, {"detail": f"needs {ACCOUNTS_READ}"}
    match = _ACCOUNT_PATH.match(path)
    if match is None:
        return 404, {"detail": "Not Found"}
    status = tokens.accounts.get(uuid.UUID(match.group(1)))
    if status is None:
        return 404, {"detail": "No such account"}
    return 200, {
        "user_id": match.group(1),
        "active": status.active,
        "role": status.role,
        "token_version": status.token_version,
        "email_verified": status.email_verified,
    }


def directory_transport(tokens: TokenFactory) -> httpx.MockTransport:
    """For apps built in the test process (`RemoteAccountCheck.default_transport`)."""

    def handle(request: httpx.Request) -> httpx.Response:
        status, body = answer(tokens, request.url.path, request.headers.get("Authorization"))
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handle)


@contextmanager
def directory_server(tokens: TokenFactory) -> Iterator[str]:
    """For live processes: a small HTTP server on 127.0.0.1; yields its URL (IDENTITY_URL)."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_json(*answer(tokens, self.path, self.headers.get("Authorization")))

    with serving_handler(Handler) as url:
        yield url
