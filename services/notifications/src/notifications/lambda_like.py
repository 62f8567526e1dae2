"""Lambda-style entry point: `handler(event, context)` returns an API Gateway style response.

Two event shapes are accepted:

- an API Gateway proxy event (REST API v1 or HTTP API v2): the envelope is the JSON `body`,
  possibly base64-encoded; the `Authorization` header must carry a service token, exactly as
  for `POST /notify` (401 without a valid token, 403 for customers and admins);
- a bare envelope, as a direct invocation (`aws lambda invoke`, EventBridge, a queue) passes
  it. Such a call never crossed HTTP: the platform has already authorised the caller (IAM),
  so there is no token to check.

Either way the envelope goes through `handle_event`, the code behind `POST /notify`.
Outside FastAPI the database, providers and token verifier are built from `Settings` (the
environment) once per container and reused across invocations, on one long-lived event loop
so the connection pool survives between calls.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shopkit.db import Database
from shopkit.errors import Forbidden, MethodNotAllowed, PayloadTooLarge, ProblemError, Unauthorized
from shopkit.observability import configure_logging
from shopkit.scopes import EVENTS_WRITE
from shopkit.tokens import TokenError, TokenVerifier
from sqlalchemy.exc import DBAPIError, OperationalError

from notifications.clients import Notifier, build_notifier
from notifications.core.config import Settings
from notifications.services.intake import handle_event
from notifications.services.validation import EventRejected

log = logging.getLogger("notifications.lambda")

JSON_HEADERS = {"Content-Type": "application/json"}
_PROXY_KEYS = ("httpMethod", "requestContext", "routeKey", "headers")


@dataclass
class Runtime:
    """What the handler needs when no FastAPI app is around."""

    settings: Settings
    db: Database
    notifier: Notifier
    verifier: TokenVerifier

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(
            settings=settings,
            db=Database(settings.sqlalchemy_url, pool_size=2, max_overflow=2),
            notifier=build_notifier(settings),
            verifier=TokenVerifier.from_keys_dir(
                settings.public_keys_path,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                trusted=settings.trusted_signers,
            ),
        )


@dataclass(frozen=True)
class Request:
    envelope: Any
    through_gateway: bool
    authorization: str | None


def _response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {**JSON_HEADERS, **(headers or {})},
        "body": json.dumps(body, default=str),
        "isBase64Encoded": False,
    }


def _is_proxy_event(event: Mapping[str, Any]) -> bool:
    return "body" in event and any(key in event for key in _PROXY_KEYS)


def _header(event: Mapping[str, Any], name: str) -> str | None:
    # v1 keeps the client's spelling, v2 lower-cases; multiValueHeaders is v1's list form.
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted and isinstance(value, str):
            return value
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted and values:
            return str(values[0])
    return None


def _method(event: Mapping[str, Any]) -> str | None:
    method = event.get("httpMethod")
    if method is None:
        method = ((event.get("requestContext") or {}).get("http") or {}).get("method")
    return method.upper() if isinstance(method, str) else None


def _unwrap(event: Any, max_body_bytes: int) -> Request:
    if not isinstance(event, Mapping):
        raise EventRejected(
            [{"type": "dict_type", "loc": ["body"], "msg": "the event must be a JSON object"}]
        )
    if not _is_proxy_event(event):
        return Request(envelope=dict(event), through_gateway=False, authorization=None)

    method = _method(event)
    if method is not None and method != "POST":
        raise MethodNotAllowed(f"Method {method} not allowed; POST the event envelope")
    raw = event.get("body")
    if raw is None or raw == "":
        raise EventRejected(
            [{"type": "missing", "loc": ["body"], "msg": "the request has no body"}]
        )
    if not isinstance(raw, str):
        # Some test harnesses put the parsed object in `body`; accept it as the envelope.
        envelope: Any = raw
    else:
        text = raw
        if event.get("isBase64Encoded"):
            try:
                text = base64.b64decode(raw, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise EventRejected(
                    [
                        {
                            "type": "base64_invalid",
                            "loc": ["body"],
                            "msg": "isBase64Encoded is true but the body is not base64 UTF-8",
                        }
                    ]
                ) from None
        if len(text.encode("utf-8")) > max_body_bytes:
            raise PayloadTooLarge()
        try:
            envelope = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EventRejected(
                [{"type": "json_invalid", "loc": ["body", exc.pos], "msg": "JSON decode error"}]
            ) from None
    return Request(
        envelope=envelope, through_gateway=True, authorization=_header(event, "Authorization")
    )


async def authorize_service(verifier: TokenVerifier, authorization: str | None) -> None:
    """The same rules as `POST /notify`: 401 without a valid bearer token, 403 for a valid
    token that is not a service token holding `events:write`."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Not authenticated")
    try:
        principal = await verifier.verify_async(token.strip())
    except TokenError as exc:
        raise Unauthorized("Invalid or expired token") from exc
    if principal.role != "service":
        raise Forbidden("This action needs one of the roles: service")
    if EVENTS_WRITE not in principal.scopes:
        raise Forbidden(f"This service token does not hold the scope {EVENTS_WRITE}")


async def handle_async(
    event: Any, context: Any = None, *, runtime: Runtime | None = None
) -> dict[str, Any]:
    """The handler for callers that already run an event loop (and for tests)."""
    runtime = runtime or get_runtime()
    try:
        request = _unwrap(event, runtime.settings.max_body_bytes)
        if request.through_gateway:
            await authorize_service(runtime.verifier, request.authorization)
        async with runtime.db.sessionmaker() as session, session.begin():
            outcome = await handle_event(
                session, request.envelope, notifier=runtime.notifier, settings=runtime.settings
            )
        return _response(202, outcome.body())
    except ProblemError as exc:
        return _response(exc.status_code, exc.body(), exc.headers)
    except (OperationalError, DBAPIError) as exc:
        log.error("database error in handler: %s", exc.__class__.__name__)
        return _response(
            503, {"detail": "Database unavailable; try again shortly"}, {"Retry-After": "5"}
        )
    except Exception:
        log.exception("unhandled error in handler")
        return _response(500, {"detail": "Internal server error"})


_runtime: Runtime | None = None
_runner: asyncio.Runner | None = None


def get_runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        settings = Settings()
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        _runtime = Runtime.from_settings(settings)
    return _runtime


def handler(event: Any, context: Any) -> dict[str, Any]:
    """AWS Lambda entry point (`notifications.lambda_like.handler`)."""
    global _runner
    if _runner is None:
        _runner = asyncio.Runner()
    return _runner.run(handle_async(event, context))


def reset() -> None:
    """Forget the cached runtime (after the environment changed, and at the end of tests)."""
    global _runtime, _runner
    if _runner is not None:
        if _runtime is not None:
            _runner.run(_runtime.db.dispose())
        _runner.close()
    _runtime = None
    _runner = None
