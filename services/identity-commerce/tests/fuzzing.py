"""Shared set-up of identity-commerce's schemathesis runs: the app on a fresh clone of the
migrated test database with one real signed-in customer, whose token stands in for every
role (so request bodies get past authentication and are exercised for real)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import schemathesis
from identity_commerce.core.config import Settings
from identity_commerce.main import create_app
from shopkit.testing.database import TestDatabases
from shopkit.testing.fuzz import assert_openapi_contract
from sqlalchemy import text

PASSWORD = "Fuzz-pass-1"


class SameToken:
    """Stands in for TokenFactory in assert_openapi_contract: always one real user."""

    def __init__(self, token: str) -> None:
        self.token = token

    def admin(self) -> str:
        return self.token

    def service(self) -> str:
        return self.token


class RealAdmin:
    """Stands in for TokenFactory: a real admin of the fuzzed database (identity-commerce
    refuses tokens of accounts it does not have), and the service that calls /internal."""

    def __init__(self, admin_token: str, tokens: Any) -> None:
        self.admin_token = admin_token
        self.tokens = tokens

    def admin(self) -> str:
        return self.admin_token

    def service(self) -> str:
        return str(self.tokens.service("catalog-fulfillment"))


async def promoted_admin(app: Any, email: str) -> str:
    """Sign `email` up on the app, make it an admin in its database, sign in: the token."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fuzz"
    ) as api:
        body = {"email": email, "password": PASSWORD, "first_name": "Ad", "last_name": "Min"}
        assert (await api.post("/auth/signup", json=body)).status_code == 201
        async with app.state.db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE users SET role = 'admin' WHERE email = :email"), {"email": email}
            )
        login = await api.post("/auth/login", json=body)
        return str(login.json()["access_token"])


def paths_outside(app: Any, mine: tuple[str, ...]) -> tuple[str, ...]:
    """Every documented path not under `mine` (to skip them in one run)."""
    return tuple({path for path in app.openapi()["paths"] if not path.startswith(mine)})


def assert_contract_under(
    app: Any, mine: tuple[str, ...], tokens: SameToken | RealAdmin, **options: Any
) -> None:
    """`assert_openapi_contract` over the app's paths under `mine` only, 15 examples per
    operation and mode, with `tokens` standing in for the TokenFactory."""
    assert_openapi_contract(
        schemathesis.openapi.from_asgi("/openapi.json", app),
        tokens,  # type: ignore[arg-type]
        skip_paths=paths_outside(app, mine),
        max_examples=15,
        **options,
    )


@asynccontextmanager
async def signed_in_app(
    *,
    test_databases: TestDatabases,
    settings: Settings,
    email: str,
    **overrides: Any,
) -> AsyncIterator[tuple[Any, str]]:
    """The app on its own database clone, with `email` signed up; yields (app, token)."""
    url = test_databases.clone(f"fuzz_{uuid.uuid4().hex[:8]}")
    app = create_app(
        settings.model_copy(update={"database_url": url, "http_retries": 1, **overrides})
    )
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://fuzz"
        ) as api:
            body = {"email": email, "password": PASSWORD, "first_name": "Fuzz", "last_name": "Er"}
            assert (await api.post("/auth/signup", json=body)).status_code == 201
            login = await api.post("/auth/login", json=body)
            yield app, login.json()["access_token"]


def fuzz_app_fixture(email: str, settings_overrides: Callable[[], dict[str, Any]] = dict) -> Any:
    """A `fuzz_app` fixture for a test module: `signed_in_app` for `email`, yielding (app,
    token). `settings_overrides` is called at set-up, so a port it picks is still free."""

    @pytest.fixture
    async def fuzz_app(
        test_databases: TestDatabases, settings: Settings
    ) -> AsyncIterator[tuple[Any, str]]:
        async with signed_in_app(
            test_databases=test_databases,
            settings=settings,
            email=email,
            **settings_overrides(),
        ) as app_and_token:
            yield app_and_token

    return fuzz_app
