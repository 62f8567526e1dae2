"""Service application factory: the parts every service's FastAPI app has in common."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkit.auth import document_auth
from shopkit.db import Database, get_session
from shopkit.delivery import (
    outbox_admin_router,
    outbox_probe,
    outbox_relay_job,
    outbox_retention_job,
)
from shopkit.docs import install_api_docs
from shopkit.errors import (
    PayloadTooLarge,
    ServiceUnavailable,
    error_responses,
    install_error_handlers,
)
from shopkit.jwks import jwks_router, trusted_key_source
from shopkit.metrics import add_probes, install_metrics
from shopkit.observability import RequestContextMiddleware, configure_logging
from shopkit.service import ServiceDeclaration, resolve
from shopkit.settings import ServiceSettings
from shopkit.tokens import TokenSigner, TokenVerifier, ensure_dev_key
from shopkit.tracing import install_tracing

log = logging.getLogger("shopkit.app")

# A background job gets the app and a stop event; it should return soon after stop is set.
BackgroundJob = Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]
# Something the app holds for its whole life, opened at startup and closed at shutdown.
Resource = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[Any]]


class BodySizeLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413 before the endpoint reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await _too_large(send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    response = JSONResponse({"detail": "Request body too large"}, status_code=413)
    await response({"type": "http"}, _noop_receive, send)


async def _noop_receive() -> Message:
    return {"type": "http.disconnect"}


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", summary="Process is up")
    async def health(request: Request) -> dict[str, str]:
        return {"status": "ok", "service": request.app.state.settings.service_name}

    @router.get(
        "/health/ready",
        summary="Database reachable",
        responses={503: {"description": "Database unreachable"}},
    )
    async def ready(request: Request) -> JSONResponse:
        db: Database = request.app.state.db
        try:
            async with asyncio.timeout(3):
                async with db.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means not ready
            log.warning("readiness check failed: %s", exc.__class__.__name__)
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"},
                status_code=503,
                headers={"Retry-After": "5"},
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    return router


SHARED_ANSWERS = {
    413: PayloadTooLarge.documented(
        "Request body over MAX_BODY_BYTES (refused before the endpoint reads it)"
    ),
    503: ServiceUnavailable.documented(
        "The database is unreachable; try again after Retry-After seconds"
    ),
}


def _uses_database(dependant: Dependant) -> bool:
    return any(dep.call is get_session or _uses_database(dep) for dep in dependant.dependencies)


def document_shared_answers(router: APIRouter) -> None:
    """Add to each route's OpenAPI the statuses it gets from the app rather than from its own
    code: 413 from the body limit (routes that take a body) and 503 when the database
    cannot be reached (routes with a session; shopkit.errors answers it). A route that
    documents the status itself keeps its description."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        shared = []
        if route.body_field is not None:
            shared.append(413)
        if _uses_database(route.dependant):
            shared.append(503)
        for status in shared:
            if status not in route.responses and str(status) not in route.responses:
                route.responses.update(error_responses(SHARED_ANSWERS[status]))


@contextlib.asynccontextmanager
async def open_database(app: FastAPI) -> AsyncIterator[Database]:
    """The request pool (`app.state.db`, `app.state.session_factory`)."""
    settings: ServiceSettings = app.state.settings
    db = Database(
        settings.sqlalchemy_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
    )
    app.state.session_factory = db.sessionmaker
    try:
        yield db
    finally:
        await db.dispose()


@contextlib.asynccontextmanager
async def _held_on_state(app: FastAPI, name: str, resource: Resource) -> AsyncIterator[None]:
    """Open `resource` into `app.state.<name>` for the app's life. One already there was
    handed in (tests give the app their own database or clients) and stays the giver's."""
    if hasattr(app.state, name):
        yield
        return
    async with resource(app) as value:
        setattr(app.state, name, value)
        try:
            yield
        finally:
            delattr(app.state, name)


@contextlib.asynccontextmanager
async def _running(app: FastAPI, jobs: Sequence[BackgroundJob]) -> AsyncIterator[None]:
    """Run the jobs while the block runs; at its end set their stop event and give each five
    seconds to finish before cancelling it."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(job(app, stop)) for job in jobs]
    try:
        yield
    finally:
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.exception("background job ended with an error")


async def _close_clients(app: FastAPI) -> None:
    """The account check's and the JWKS fetcher's HTTP clients."""
    for holder in (getattr(app.state, "account_check", None), app.state.token_verifier.keys):
        closer = getattr(holder, "aclose", None)
        if closer is not None:
            await closer()


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    background_jobs: Sequence[BackgroundJob] = (),
    resources: Mapping[str, Resource] = MappingProxyType({}),
    version: str = "0.1.0",
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    """The app: shared middleware, error handlers, token keys, health routes and docs, with a
    lifespan that opens the database and then `resources` (each under its `app.state` name),
    runs `background_jobs`, and at shutdown stops the jobs before closing the resources in
    reverse order."""
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    held = {"db": open_database, **resources}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as opened:
            for name, resource in held.items():
                await opened.enter_async_context(_held_on_state(app, name, resource))
            opened.push_async_callback(_close_clients, app)
            async with _running(app, background_jobs):
                yield

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        openapi_tags=openapi_tags,
        docs_url=None,  # served from local files by install_api_docs, not from a CDN
        redoc_url=None,
    )
    install_api_docs(app)
    app.state.settings = settings
    app.state.keys_dir = settings.keys_dir
    if not settings.is_production:
        ensure_dev_key(settings.keys_dir, settings.service_name, settings.public_keys_path)
    app.state.token_signer = TokenSigner.from_keys_dir(
        settings.keys_dir,
        settings.service_name,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        generate=False,
    )
    # Only the listed services' public keys: over HTTP from each one's JWKS, or from files.
    app.state.token_verifier = TokenVerifier(
        keys=trusted_key_source(settings),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )

    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        # X-Cart-Token and X-Order-Token: a guest's cart and order (identity-commerce); a
        # browser sends them only if the preflight allows them.
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Request-ID",
            "X-Cart-Token",
            "X-Order-Token",
        ],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    install_metrics(app, settings)  # GET /metrics and the request counters
    install_tracing(app, settings)  # a span per request, continuing the caller's traceparent
    app.add_middleware(RequestContextMiddleware)  # outermost: every line has the id
    app.include_router(health_router())
    app.include_router(jwks_router(settings))
    for router in routers:
        document_shared_answers(router)
        app.include_router(router)
    document_auth(app)
    return app


def build_app(service: ServiceDeclaration, settings: ServiceSettings | None = None) -> FastAPI:
    """The app of a declared service (shopkit.service): its routers, the outbox relay and
    admin routes and the retention of sent events when it has an outbox, its jobs, resources
    and account check."""
    settings = settings or service.settings_class()()
    routers: list[APIRouter] = list(resolve(service.routers))
    jobs: list[BackgroundJob] = [resolve(job) for job in service.background_jobs]
    if service.outbox is not None:
        outbox_model = resolve(service.outbox)
        routers.append(outbox_admin_router(outbox_model))
        jobs[:0] = [outbox_relay_job(outbox_model), outbox_retention_job(outbox_model)]
    app = create_service_app(
        settings,
        title=service.title,
        description=service.description,
        routers=routers,
        background_jobs=jobs,
        resources={name: resolve(factory) for name, factory in service.resources.items()},
        version=service.version,
        openapi_tags=[dict(tag) for tag in service.openapi_tags] or None,
    )
    # Routes taking a user token check the account behind it (active, same role and token
    # version), not only the token (shopkit.auth); built here so the OpenAPI shows it.
    app.state.account_check = resolve(service.account_check)(settings, app.state.token_signer)
    if service.outbox is not None:
        add_probes(app, outbox_probe(outbox_model))  # outbox backlog on /metrics
    if service.configure is not None:
        resolve(service.configure)(app)
    return app
