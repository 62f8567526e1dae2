"""Auth sweep over a service's whole OpenAPI document.

Every operation that declares bearer security is called with no token and with each kind of
bad token (expired, another key, wrong audience, `alg: none`, HS256 signed with the public
key, garbage): each must answer 401. Operations matched by `privileged` (admin or service
routes) must also refuse a valid customer token with 403, and those matched by
`service_only` a valid admin token too. Every operation that names a service scope
(`x-service-scope`, shopkit.auth) must refuse a valid service token without that scope with
403. A rule is a path prefix ("/admin") or one exact
operation ("POST /fulfillments"). Path parameters get random UUIDs and bodies are empty:
the token is checked before anything else is read.

A service's `tests/test_security_sweep.py` runs the sweep by subclassing `AuthSweep` with
its own rules.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shopkit.auth import SCOPE_EXTENSION
from shopkit.testing.tokens import TokenFactory

_PARAM = re.compile(r"\{[^}]+\}")


def _matches(rules: tuple[str, ...], method: str, template: str) -> bool:
    return any(
        template.startswith(rule) if rule.startswith("/") else rule == f"{method} {template}"
        for rule in rules
    )


def secured_operations(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, item in openapi.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete") and operation.get("security"):
                found.append((method.upper(), path))
    return found


def scoped_operations(openapi: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> the scope a service token needs there."""
    return {
        (method.upper(), path): operation[SCOPE_EXTENSION]
        for path, item in openapi.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and SCOPE_EXTENSION in operation
    }


async def assert_auth_enforced(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    tmp_path: Path,
    *,
    privileged: tuple[str, ...] = ("/admin",),
    service_only: tuple[str, ...] = (),
    exclude: tuple[tuple[str, str], ...] = (),
    customer_token: str | None = None,
    admin_token: str | None = None,
) -> int:
    """Returns how many operations were checked (so a caller can assert it is not zero).

    A service that checks the account behind every user token (identity-commerce) needs
    `customer_token` and `admin_token` of real accounts; by default `tokens` mints them."""
    openapi = (await client.get("/openapi.json")).json()
    bad = tokens.bad_tokens(tmp_path)
    scoped = scoped_operations(openapi)
    unscoped_service = tokens.service(scopes=())
    problems: list[str] = []
    operations = [op for op in secured_operations(openapi) if op not in exclude]
    for method, template in operations:
        path = _PARAM.sub(lambda _: str(uuid.uuid4()), template)

        async def call(token: str | None, method: str = method, path: str = path) -> int:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
            return (await client.request(method, path, headers=headers, json=body)).status_code

        if (status := await call(None)) != 401:
            problems.append(f"{method} {template} without a token answered {status}")
        for kind, token in bad.items():
            if (status := await call(token)) != 401:
                problems.append(f"{method} {template} with a {kind} token answered {status}")
        if _matches((*privileged, *service_only), method, template):
            if (status := await call(customer_token or tokens.customer())) != 403:
                problems.append(f"{method} {template} with a customer token answered {status}")
        if _matches(service_only, method, template):
            if (status := await call(admin_token or tokens.admin())) != 403:
                problems.append(f"{method} {template} with an admin token answered {status}")
        if (method, template) in scoped:
            if (status := await call(unscoped_service)) != 403:
                problems.append(
                    f"{method} {template} with a service token without "
                    f"{scoped[(method, template)]} answered {status}"
                )
    assert not problems, "\n".join(problems)
    return len(operations)


class AuthSweep:
    """The sweep on the service under test, with the service's rules:

    class TestAuthSweep(AuthSweep):
        privileged = ("/notifications", "/notify")
        service_only = ("POST /notify",)
        at_least = 2
    """

    privileged: tuple[str, ...] = ("/admin",)
    service_only: tuple[str, ...] = ()
    # Secured operations the sweep must find: a router that lost its security shows here.
    at_least: int = 1

    async def user_tokens(
        self, tokens: TokenFactory, db_session: AsyncSession
    ) -> tuple[str | None, str | None]:
        """The customer and the admin token the privileged routes must refuse; None: one
        `tokens` mints. A service that checks the account behind a user token makes the
        accounts in `db_session` and returns their tokens."""
        return None, None

    async def test_every_secured_route_enforces_its_tokens(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        tmp_path: Path,
        db_session: AsyncSession,
    ) -> None:
        customer_token, admin_token = await self.user_tokens(tokens, db_session)
        checked = await assert_auth_enforced(
            client,
            tokens,
            tmp_path,
            privileged=self.privileged,
            service_only=self.service_only,
            customer_token=customer_token,
            admin_token=admin_token,
        )
        assert checked >= self.at_least, f"only {checked} secured operations found"
