"""`lambda_like.handler(event, context)` outside FastAPI: both event shapes, auth, idempotency.

The handler builds its database, providers and token verifier from the environment, exactly
as in a real Lambda, against its own committed database (a clone of the migrated one).
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from notifications import lambda_like
from notifications.core.config import Settings
from shopkit.testing.database import TestDatabases
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.engine import make_url

from tests.factories import envelope


class LambdaEnvironment:
    def __init__(self, database_url: str, mail_dir: Path) -> None:
        self.database_url = database_url
        self.mail_dir = mail_dir

    def messages(self, event_id: str) -> list[tuple[str, str, str | None]]:
        dsn = make_url(self.database_url).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(dsn) as conn:
            rows = conn.execute(
                "SELECT channel, recipient, subject FROM sent_messages WHERE event_id = %s"
                " ORDER BY channel",
                (uuid.UUID(event_id),),
            ).fetchall()
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def files(self, event_id: str) -> list[Path]:
        return sorted(self.mail_dir.glob(f"*_{event_id}_*"))


@pytest.fixture(scope="module")
async def lambda_env(
    test_databases: TestDatabases,
    keys_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LambdaEnvironment]:
    env = LambdaEnvironment(test_databases.clone("lambda"), tmp_path_factory.mktemp("lambda-mail"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOTIFICATIONS_DATABASE_URL", env.database_url)
        patch.setenv("KEYS_DIR", str(keys_dir))
        patch.setenv("NOTIFY_EMAIL_PROVIDER", "file")
        patch.setenv("NOTIFY_SMS_PROVIDER", "file")
        patch.setenv("NOTIFY_FILE_DIR", str(env.mail_dir))
        patch.setenv("ENV", "test")
        lambda_like.reset()
        try:
            yield env
        finally:
            # The handler's own loop must not run inside this (running) test loop.
            await asyncio.to_thread(lambda_like.reset)


def request_headers(token: str | None) -> dict[str, str]:
    """A JSON request's headers, with the bearer token when there is one."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def rest_api_event(body: Any, token: str | None, *, base64_body: bool = False) -> dict[str, Any]:
    """API Gateway REST API (v1) proxy event, as AWS sends it."""
    text = body if isinstance(body, str) else json.dumps(body)
    headers = request_headers(token)
    return {
        "resource": "/notify",
        "path": "/notify",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "requestContext": {"resourcePath": "/notify", "httpMethod": "POST", "stage": "prod"},
        "body": base64.b64encode(text.encode()).decode() if base64_body else text,
        "isBase64Encoded": base64_body,
    }


def http_api_event(body: Any, token: str | None) -> dict[str, Any]:
    """API Gateway HTTP API (v2) proxy event: lower-case headers, method under requestContext."""
    return {
        "version": "2.0",
        "routeKey": "POST /notify",
        "rawPath": "/notify",
        "headers": {name.lower(): value for name, value in request_headers(token).items()},
        "requestContext": {"http": {"method": "POST", "path": "/notify"}},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def call(event: Any) -> tuple[int, dict[str, Any]]:
    response = lambda_like.handler(event, context=None)
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["isBase64Encoded"] is False
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("shape", ["rest_json", "rest_base64", "http_api"])
def test_proxy_event_with_service_token_sends_once(
    lambda_env: LambdaEnvironment, tokens: TokenFactory, shape: str
) -> None:
    body = envelope("ORDER_PAID")
    token = tokens.service()
    event = {
        "rest_json": lambda: rest_api_event(body, token),
        "rest_base64": lambda: rest_api_event(body, token, base64_body=True),
        "http_api": lambda: http_api_event(body, token),
    }[shape]()

    status, result = call(event)
    assert (status, result["status"], result["messages"]) == (202, "sent", 2)
    assert lambda_env.messages(body["event_id"]) == [
        ("email", body["data"]["email"], "Order SO-2026-000123 confirmed: payment received"),
        ("sms", "+15550100", None),
    ]
    assert len(lambda_env.files(body["event_id"])) == 2

    # The same event again (a relay retry): 202 duplicate, nothing sent.
    status, result = call(event)
    assert (status, result["status"], result["messages"]) == (202, "duplicate", 0)
    assert len(lambda_env.messages(body["event_id"])) == 2
    assert len(lambda_env.files(body["event_id"])) == 2


def test_bare_envelope_is_handled(lambda_env: LambdaEnvironment) -> None:
    body = envelope("LOW_STOCK")
    status, result = call(body)
    assert (status, result["status"]) == (202, "sent")
    assert [m[1] for m in lambda_env.messages(body["event_id"])] == ["ops@shop.localhost"]
    status, result = call(body)
    assert (status, result["status"]) == (202, "duplicate")
    assert len(lambda_env.messages(body["event_id"])) == 1


def test_same_event_through_both_shapes_is_one_delivery(
    lambda_env: LambdaEnvironment, tokens: TokenFactory
) -> None:
    body = envelope("ORDER_DELIVERED", phone=None)
    assert call(body)[1]["status"] == "sent"
    assert call(rest_api_event(body, tokens.service()))[1]["status"] == "duplicate"
    assert len(lambda_env.messages(body["event_id"])) == 1


def test_unknown_type_is_422(lambda_env: LambdaEnvironment, tokens: TokenFactory) -> None:
    body = envelope("ORDER_PAID")
    body["type"] = "PIZZA_DELIVERED"
    for event in (body, rest_api_event(body, tokens.service())):
        status, result = call(event)
        assert status == 422
        assert "unknown event type 'PIZZA_DELIVERED'" in result["detail"][0]["msg"]
    assert lambda_env.messages(body["event_id"]) == []


def test_missing_field_is_422(lambda_env: LambdaEnvironment) -> None:
    body = envelope("ORDER_SHIPPED")
    del body["data"]["tracking_number"]
    status, result = call(body)
    assert status == 422
    assert result["detail"][0]["loc"] == ["body", "data", "tracking_number"]


def test_proxy_event_without_token_is_401(lambda_env: LambdaEnvironment) -> None:
    body = envelope()
    status, result = call(rest_api_event(body, None))
    assert status == 401
    assert result == {"detail": "Not authenticated"}
    assert lambda_env.messages(body["event_id"]) == []


def test_proxy_event_with_bad_tokens_is_401(
    lambda_env: LambdaEnvironment, tokens: TokenFactory, tmp_path: Path
) -> None:
    for kind, token in tokens.bad_tokens(tmp_path).items():
        status, _ = call(http_api_event(envelope(), token))
        assert status == 401, kind


@pytest.mark.parametrize("role", ["customer", "admin"])
def test_proxy_event_with_user_token_is_403(
    lambda_env: LambdaEnvironment, tokens: TokenFactory, role: str
) -> None:
    body = envelope()
    token = tokens.customer() if role == "customer" else tokens.admin()
    status, _ = call(rest_api_event(body, token))
    assert status == 403
    assert lambda_env.messages(body["event_id"]) == []


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ({**rest_api_event({}, None), "body": "%%%", "isBase64Encoded": True}, 422),
        ({**rest_api_event({}, None), "body": "{not json"}, 422),
        ({**rest_api_event({}, None), "body": None}, 422),
        ({**rest_api_event({}, None), "httpMethod": "GET"}, 405),
        (["not", "an", "event"], 422),
    ],
    ids=["bad-base64", "bad-json", "no-body", "wrong-method", "not-an-object"],
)
def test_malformed_proxy_events_are_4xx(
    lambda_env: LambdaEnvironment, tokens: TokenFactory, event: Any, status: int
) -> None:
    if isinstance(event, dict):
        event["headers"]["Authorization"] = f"Bearer {tokens.service()}"
    assert call(event)[0] == status


def test_oversized_body_is_413(lambda_env: LambdaEnvironment, tokens: TokenFactory) -> None:
    body = envelope()
    body["data"]["padding"] = "x" * 1_100_000
    assert call(rest_api_event(body, tokens.service()))[0] == 413


def test_database_down_is_503(tokens: TokenFactory, keys_dir: Path, tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database_notify",
        keys_dir=keys_dir,
        file_dir=tmp_path,
        env="test",
    )
    runtime = lambda_like.Runtime.from_settings(settings)

    async def run() -> dict[str, Any]:
        try:
            return await lambda_like.handle_async(envelope(), runtime=runtime)
        finally:
            await runtime.db.dispose()

    response = asyncio.run(run())
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "5"
    assert list(tmp_path.iterdir()) == []
