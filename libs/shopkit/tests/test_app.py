"""The service app factory: sessions, errors, health, limits, logs, CORS."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field
from shopkit.app import create_service_app
from shopkit.auth import SCOPE_EXTENSION, AdminPrincipal, ServicePrincipal, scoped
from shopkit.db import SessionDep
from shopkit.errors import Conflict, Unauthorized
from shopkit.scopes import INVENTORY_WRITE
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import Principal, ensure_dev_key
from sqlalchemy import event, func, select

from .conftest import KitSettings, Thing


class NewThing(BaseModel):
    name: str = Field(min_length=1, max_length=50)


def demo_router() -> APIRouter:
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(body: NewThing, session: SessionDep) -> dict[str, str]:
        session.add(Thing(name=body.name))
        await session.flush()
        return {"name": body.name}

    @router.post("/things/then-conflict")
    async def create_then_fail(body: NewThing, session: SessionDep) -> None:
        session.add(Thing(name=body.name))
        await session.flush()
        raise Conflict("already there", shortages=[{"sku": "A"}])

    @router.post("/things/commit-fails", status_code=201)
    async def create_but_commit_fails(body: NewThing, session: SessionDep) -> dict[str, str]:
        def refuse(_: object) -> None:
            raise RuntimeError("commit refused")

        event.listen(session.sync_session, "before_commit", refuse)
        session.add(Thing(name=body.name))
        await session.flush()
        return {"name": body.name}

    @router.get("/things/{name}")
    async def read_thing(name: str) -> dict[str, str]:
        return {"name": name}

    @router.delete("/things/{name}", status_code=204)
    async def delete_thing(name: str) -> None:
        return None

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @router.get("/admin-only")
    async def admin_only(principal: AdminPrincipal) -> dict[str, str]:
        return {"role": principal.role}

    @router.get("/service-only")
    async def service_only(principal: ServicePrincipal) -> dict[str, str]:
        return {"sub": principal.subject}

    @router.post("/stock")
    async def move_stock(
        principal: Annotated[Principal, scoped(INVENTORY_WRITE)],
    ) -> dict[str, str]:
        return {"sub": principal.subject}

    return router


@pytest.fixture
async def app(kit_settings: KitSettings, database: object) -> AsyncIterator[FastAPI]:
    """The demo app, in place of a service's app: the plugin's `client` calls it."""
    app = create_service_app(
        kit_settings, title="demo", description="demo", routers=[demo_router()]
    )
    async with app.router.lifespan_context(app):
        yield app


async def count_things(app: FastAPI) -> int:
    async with app.state.db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Thing)) or 0)


@pytest.mark.parametrize(
    ("path", "status", "body", "things_kept"),
    [
        pytest.param("/things", 201, {"name": "thing"}, 1, id="commits-when-the-endpoint-succeeds"),
        pytest.param(
            "/things/then-conflict",
            409,
            {"detail": "already there", "shortages": [{"sku": "A"}]},
            0,
            id="rolls-back-when-the-endpoint-raises",
        ),
        # Had the commit run after the response, the client would already hold a 201.
        pytest.param(
            "/things/commit-fails",
            500,
            {"detail": "Internal server error"},
            0,
            id="commits-before-the-response-is-sent",
        ),
    ],
)
async def test_the_session_commits_only_what_a_successful_response_reports(
    client: httpx.AsyncClient,
    app: FastAPI,
    path: str,
    status: int,
    body: dict[str, object],
    things_kept: int,
) -> None:
    response = await client.post(path, json={"name": "thing"})
    assert response.status_code == status
    assert response.json() == body
    assert await count_things(app) == things_kept


async def test_unexpected_errors_hide_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert "secret" not in response.text


async def test_validation_errors_are_422_with_locations(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"name": ""})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "name"]


async def test_malformed_json_is_422_not_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


async def test_oversized_bodies_are_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    response = await client.post("/things", json={"name": "x" * 5000})
    assert response.status_code == 413
    assert await count_things(app) == 0


async def test_roles_are_enforced(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    assert (await client.get("/admin-only")).status_code == 401
    assert (await client.get("/admin-only", headers=bearer(tokens.customer()))).status_code == 403
    assert (await client.get("/admin-only", headers=bearer(tokens.admin()))).status_code == 200
    assert (await client.get("/service-only", headers=bearer(tokens.admin()))).status_code == 403
    ok = await client.get("/service-only", headers=bearer(tokens.service("notifications")))
    assert ok.json() == {"sub": "service:notifications"}


async def test_cors_allows_only_the_frontend_origin(client: httpx.AsyncClient) -> None:
    def preflight(origin: str) -> dict[str, str]:
        return {"Origin": origin, "Access-Control-Request-Method": "POST"}

    allowed = await client.options("/things", headers=preflight("http://localhost:5173"))
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = await client.options("/things", headers=preflight("https://evil.example"))
    assert "access-control-allow-origin" not in refused.headers


async def test_cors_lets_a_browser_send_the_guest_cart_and_order_tokens(
    client: httpx.AsyncClient,
) -> None:
    for header in ("X-Cart-Token", "X-Order-Token", "Idempotency-Key"):
        preflight = await client.options(
            "/things",
            headers={
                "Origin": "http://localhost:5173",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": header.lower(),
            },
        )
        assert preflight.status_code == 200, (header, preflight.text)
        assert header.lower() in preflight.headers["access-control-allow-headers"].lower()


async def test_one_json_access_line_per_request_with_its_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    from shopkit.observability import JsonFormatter

    caplog.set_level(logging.INFO, logger="shopkit.access")
    await client.get("/health", headers={"X-Request-ID": "req-7"})
    [record] = [r for r in caplog.records if r.name == "shopkit.access"]
    line = json.loads(JsonFormatter("demo").format(record))
    assert line["request_id"] == "req-7"
    assert line["status"] == 200
    assert line["path"] == "/health"


async def test_ready_is_503_when_the_database_is_unreachable(kit_settings: KitSettings) -> None:
    settings = kit_settings.model_copy(
        update={"database_url": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"}
    )
    app = create_service_app(settings, title="down", description="down", routers=[])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            assert (await c.get("/health")).status_code == 200
            ready = await c.get("/health/ready")
    assert ready.status_code == 503
    assert ready.headers["Retry-After"] == "5"


async def test_no_free_database_connection_is_a_503_not_a_500(
    kit_settings: KitSettings, database: object
) -> None:
    """A burst that takes every pooled connection: the next request waits
    DB_POOL_TIMEOUT_SECONDS, then answers 503 with Retry-After instead of a 500."""
    settings = kit_settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_seconds": 0.2}
    )
    app = create_service_app(settings, title="busy", description="busy", routers=[demo_router()])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://t") as c,
            app.state.db.engine.connect() as held,  # the pool's only connection
        ):
            await held.execute(select(1))
            busy = await c.post("/things", json={"name": "while-busy"})
        assert (busy.status_code, busy.headers["Retry-After"]) == (503, "1"), busy.text
        assert "Internal" not in busy.text
        created = await c_post(app, {"name": "after"})
    assert created == 201


async def c_post(app: FastAPI, body: dict[str, str]) -> int:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        return (await c.post("/things", json=body)).status_code


async def test_undecodable_body_is_422_like_malformed_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"\xff\xfe\x00garbage", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


async def test_405_lists_every_method_of_the_path_in_allow(client: httpx.AsyncClient) -> None:
    # one route per method: GET and DELETE /things/{name} are two routes, and Starlette's
    # own 405 would name only the first one's methods
    for method in ("PUT", "PATCH", "POST", "OPTIONS"):
        response = await client.request(method, "/things/lamp")
        assert response.status_code == 405, method
        assert response.headers["allow"] == "DELETE, GET"
        assert response.json() == {"detail": "Method Not Allowed"}
    response = await client.get("/things")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_every_route_documents_the_answers_the_app_gives_for_it(
    client: httpx.AsyncClient,
) -> None:
    # 413 from the body limit where a body is taken, 503 where the database is used; a
    # route without either gets neither
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"413", "503"} <= set(paths["/things"]["post"]["responses"])
    assert "413" not in paths["/things/{name}"]["get"]["responses"]
    assert "503" not in paths["/boom"]["get"]["responses"]
    assert "503" not in paths["/health"]["get"]["responses"]


async def test_service_routes_check_the_scope_the_receiver_allows(
    client: httpx.AsyncClient, app: FastAPI, tokens: TokenFactory
) -> None:
    async def call(token: str) -> int:
        response = await client.post("/stock", headers={"Authorization": f"Bearer {token}"})
        return response.status_code

    assert await call(tokens.service()) == 200  # identity-commerce may move stock
    assert await call(tokens.service(scopes=[])) == 403
    # notifications is trusted here, but whatever it claims it may not hold inventory:write.
    assert await call(tokens.service("notifications", scopes=[INVENTORY_WRITE])) == 403
    assert await call(tokens.admin()) == 403
    spec = app.openapi()
    assert spec["paths"]["/stock"]["post"][SCOPE_EXTENSION] == INVENTORY_WRITE
    assert SCOPE_EXTENSION not in spec["paths"]["/service-only"]["get"]


async def test_keys_that_are_not_listed_are_not_trusted(
    client: httpx.AsyncClient, tokens: TokenFactory, keys_dir: Path
) -> None:
    """The app trusts identity-commerce and notifications (kit_settings); a key dropped into
    its keys folder, or another service's key, signs nothing it accepts."""
    ensure_dev_key(keys_dir, "dropped-in")
    dropped = tokens.signer("dropped-in")  # a signer on the key in that folder
    for token in (dropped.service_token(), tokens.service("catalog-fulfillment")):
        response = await client.get("/service-only", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


async def test_user_tokens_pass_the_apps_account_check(
    client: httpx.AsyncClient, app: FastAPI, tokens: TokenFactory
) -> None:
    checked: list[str] = []

    async def only_active(request: object, principal: Principal, session: object) -> Principal:
        checked.append(principal.subject)
        if principal.subject == disabled:
            raise Unauthorized("This account does not exist or is disabled")
        return principal

    app.state.account_check = only_active
    admin = tokens.admin()
    disabled_token = tokens.admin()
    disabled = jwt_subject(disabled_token)
    assert (await client.get("/admin-only", headers=bearer(admin))).status_code == 200
    assert (await client.get("/admin-only", headers=bearer(disabled_token))).status_code == 401
    # Service tokens have no account behind them: never asked.
    assert (
        await client.get("/service-only", headers=bearer(tokens.service("notifications")))
    ).status_code == 200
    assert checked == [jwt_subject(admin), disabled]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jwt_subject(token: str) -> str:
    from jose import jwt

    return str(jwt.get_unverified_claims(token)["sub"])
