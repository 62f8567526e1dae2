"""POST /notify: authorisation, validation, idempotency and what it sends."""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import Sequence
from email import policy
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from notifications.clients import Notifier
from notifications.clients.base import OutgoingMessage, ProviderUnavailable, Receipt
from notifications.models import HandledEvent, SentMessage
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import ORDER_TYPES, envelope


def service(tokens: TokenFactory, name: str = "identity-commerce") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.service(name)}"}


def files_for(mail_dir: Path, event_id: str) -> list[Path]:
    return sorted(mail_dir.glob(f"*_{event_id}_*"))


async def count_messages(session: AsyncSession, event_id: str) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(SentMessage)
            .where(SentMessage.event_id == uuid.UUID(event_id))
        )
        or 0
    )


async def sent_rows(session: AsyncSession, event_id: str) -> Sequence[SentMessage]:
    """What the sent log holds for one event."""
    return (
        await session.scalars(
            select(SentMessage).where(SentMessage.event_id == uuid.UUID(event_id))
        )
    ).all()


# --- who may post ----------------------------------------------------------------------


async def test_no_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/notify", json=envelope())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_bad_tokens_are_401(
    client: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path
) -> None:
    for kind, token in tokens.bad_tokens(tmp_path).items():
        response = await client.post(
            "/notify", json=envelope(), headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, kind


@pytest.mark.parametrize("role", ["customer", "admin"])
async def test_users_may_not_post_events(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession, role: str
) -> None:
    body = envelope()
    token = tokens.customer() if role == "customer" else tokens.admin()
    response = await client.post("/notify", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert await count_messages(db_session, body["event_id"]) == 0


@pytest.mark.parametrize("sender", ["identity-commerce", "catalog-fulfillment"])
async def test_each_service_may_post(
    client: httpx.AsyncClient, tokens: TokenFactory, sender: str
) -> None:
    response = await client.post("/notify", json=envelope(), headers=service(tokens, sender))
    assert response.status_code == 202, response.text


# --- sending and idempotency ---------------------------------------------------------------


@pytest.mark.parametrize("event_type", [*ORDER_TYPES, "LOW_STOCK"])
async def test_every_event_type_is_sent_and_logged(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    db_session: AsyncSession,
    mail_dir: Path,
    event_type: str,
) -> None:
    body = envelope(event_type)
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 202, response.text
    result = response.json()
    assert result["status"] == "sent"
    assert result["event_id"] == body["event_id"]

    rows = await sent_rows(db_session, body["event_id"])
    assert len(rows) == result["messages"] >= 1
    emails = [r for r in rows if r.channel == "email"]
    if event_type == "LOW_STOCK":
        assert sorted(r.recipient for r in emails) == ["buyer@shop.test", "ops@shop.test"]
    else:
        assert [r.recipient for r in emails] == [body["data"]["email"]]
        assert all("SO-2026-000123" in (r.subject or "") for r in emails)
    # the file provider wrote exactly these messages
    written = files_for(mail_dir, body["event_id"])
    assert len([p for p in written if p.suffix == ".eml"]) == len(emails)
    assert len([p for p in written if p.suffix == ".json"]) == len(rows) - len(emails)


async def test_account_link_is_mailed_but_not_kept_in_the_sent_log(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession, mail_dir: Path
) -> None:
    body = envelope("PASSWORD_RESET_REQUESTED")
    token = body["data"]["token"]
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 202, response.text
    [row] = await sent_rows(db_session, body["event_id"])
    assert row.recipient == body["data"]["email"]
    assert token not in row.body_text
    [mail] = [p for p in files_for(mail_dir, body["event_id"]) if p.suffix == ".eml"]
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    assert f"reset-password?token={token}" in text.get_content()


async def test_duplicate_event_id_sends_nothing(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession, mail_dir: Path
) -> None:
    body = envelope("ORDER_PAID")
    first = await client.post("/notify", json=body, headers=service(tokens))
    assert first.status_code == 202
    assert first.json()["status"] == "sent"
    sent_before = await count_messages(db_session, body["event_id"])
    files_before = files_for(mail_dir, body["event_id"])
    assert sent_before == 2  # email + SMS

    # The same event id again, even with different data, is a no-op.
    again = dict(body, data={**body["data"], "email": "someone-else@example.com"})
    second = await client.post("/notify", json=again, headers=service(tokens))
    assert second.status_code == 202
    assert second.json() == {"status": "duplicate", "event_id": body["event_id"], "messages": 0}
    assert await count_messages(db_session, body["event_id"]) == sent_before
    assert files_for(mail_dir, body["event_id"]) == files_before
    handled = await db_session.scalar(
        select(func.count())
        .select_from(HandledEvent)
        .where(HandledEvent.event_id == uuid.UUID(body["event_id"]))
    )
    assert handled == 1


async def test_extra_fields_are_tolerated(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    body = envelope("ORDER_PAID", loyalty_points=120, items_note="gift")
    body["trace"] = {"span": "abc"}
    body["data"]["items"][0]["color"] = "silver"
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 202, response.text


async def test_order_without_phone_gets_email_only(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession
) -> None:
    body = envelope("ORDER_SHIPPED", phone=None)
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 202
    assert response.json()["messages"] == 1
    rows = await sent_rows(db_session, body["event_id"])
    assert [r.channel for r in rows] == ["email"]


# --- validation -----------------------------------------------------------------------------


async def test_unknown_type_is_422_with_a_clear_message(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession
) -> None:
    body = envelope("ORDER_PAID")
    body["type"] = "ORDER_TELEPORTED"
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "type"]
    assert "unknown event type 'ORDER_TELEPORTED'" in problem["msg"]
    assert "ORDER_PAID" in problem["msg"]  # lists the known ones
    assert await db_session.get(HandledEvent, uuid.UUID(body["event_id"])) is None


@pytest.mark.parametrize(
    ("event_type", "field"),
    [
        ("ORDER_PAID", "order_number"),
        ("ORDER_PAID", "email"),
        ("ORDER_PAID", "items"),
        ("ORDER_PAID", "total"),
        ("ORDER_PAID", "currency"),
        ("ORDER_PLACED", "order_id"),
        ("ORDER_SHIPPED", "carrier"),
        ("ORDER_SHIPPED", "tracking_number"),
        ("ORDER_REFUNDED", "refund_amount"),
        ("LOW_STOCK", "sku"),
        ("LOW_STOCK", "product_name"),
        ("LOW_STOCK", "available"),
    ],
)
async def test_missing_data_field_is_422_naming_the_field(
    client: httpx.AsyncClient, tokens: TokenFactory, event_type: str, field: str
) -> None:
    body = envelope(event_type)
    del body["data"][field]
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert {"type": "missing", "loc": ["body", "data", field], "msg": "Field required"} in problems


@pytest.mark.parametrize("field", ["event_id", "type", "version", "occurred_at", "source", "data"])
async def test_missing_envelope_field_is_422(
    client: httpx.AsyncClient, tokens: TokenFactory, field: str
) -> None:
    body = envelope()
    del body[field]
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 422
    assert any(p["loc"] == ["body", field] for p in response.json()["detail"])


@pytest.mark.parametrize(
    ("mutate", "loc"),
    [
        (lambda b: b.update(event_id="not-a-uuid"), ["body", "event_id"]),
        (lambda b: b.update(occurred_at="2026-11-21T10:00:00"), ["body", "occurred_at"]),
        (lambda b: b.update(version=2), ["body", "version"]),
        (lambda b: b.update(data=["not", "an", "object"]), ["body", "data"]),
        (lambda b: b["data"].update(total=1095.12), ["body", "data", "total"]),
        (lambda b: b["data"].update(total="-1.00"), ["body", "data", "total"]),
        (lambda b: b["data"].update(total="10.999"), ["body", "data", "total"]),
        (lambda b: b["data"].update(email="not an address"), ["body", "data", "email"]),
        (lambda b: b["data"].update(currency="dollars"), ["body", "data", "currency"]),
        (lambda b: b["data"].update(items=[]), ["body", "data", "items"]),
        (
            lambda b: b["data"]["items"][0].update(quantity=0),
            ["body", "data", "items", 0, "quantity"],
        ),
        # control characters would end up in headers, SMS and the database (no NUL there)
        (
            lambda b: b["data"]["items"][0].update(name="Laptop\x00"),
            ["body", "data", "items", 0, "name"],
        ),
        (lambda b: b["data"].update(customer_name="Eve\x00"), ["body", "data", "customer_name"]),
        (
            lambda b: b["data"].update(order_number="SO-1\nBcc: x@example.com"),
            ["body", "data", "order_number"],
        ),
        (lambda b: b["data"].update(email="a\x00@example.com"), ["body", "data", "email"]),
        # no To: header can hold these (a non-ASCII local part was a 500 building the email)
        (lambda b: b["data"].update(email="josé@example.com"), ["body", "data", "email"]),
        (lambda b: b["data"].update(email="a(b)@example.com"), ["body", "data", "email"]),
        (lambda b: b.update(source="identity commerce\x00"), ["body", "source"]),
    ],
)
async def test_invalid_values_are_422(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    mutate,
    loc: list,  # type: ignore[no-untyped-def]
) -> None:
    body = envelope("ORDER_PAID")
    mutate(body)
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 422, response.text
    assert any(p["loc"] == loc for p in response.json()["detail"]), response.json()


async def test_unusable_optional_extras_cost_only_what_they_feed(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession
) -> None:
    # A phone we cannot text loses the SMS, a non-http tracking link falls back to the
    # order page: the email itself still goes out (and no javascript: link ever does).
    body = envelope("ORDER_SHIPPED", phone="call me maybe", tracking_url="javascript:alert(1)")
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 202, response.text
    [row] = await sent_rows(db_session, body["event_id"])
    assert row.channel == "email"
    assert "javascript:" not in row.body_text
    assert (
        f"Track your parcel: https://shop.test/orders/{body['data']['order_id']}" in row.body_text
    )


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b'"a string"', b""])
async def test_body_that_is_not_an_envelope_is_422(
    client: httpx.AsyncClient, tokens: TokenFactory, content: bytes
) -> None:
    response = await client.post(
        "/notify",
        content=content,
        headers={**service(tokens), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


# --- provider failure ------------------------------------------------------------------------


class BrokenProvider:
    name = "broken"

    async def send(self, message: OutgoingMessage) -> Receipt:
        raise ProviderUnavailable(self.name, "connection refused")


async def test_provider_down_is_503_and_the_event_can_be_delivered_again(
    app: FastAPI, client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession
) -> None:
    working = app.state.notifier
    app.state.notifier = Notifier(email=BrokenProvider(), sms=BrokenProvider())
    body = envelope("ORDER_PAID")
    try:
        failed = await client.post("/notify", json=body, headers=service(tokens))
    finally:
        app.state.notifier = working
    assert failed.status_code == 503
    assert failed.headers["Retry-After"]
    # nothing was recorded, so the sender's retry is not mistaken for a duplicate
    assert await db_session.get(HandledEvent, uuid.UUID(body["event_id"])) is None

    retried = await client.post("/notify", json=body, headers=service(tokens))
    assert retried.status_code == 202
    assert retried.json()["status"] == "sent"
    assert await count_messages(db_session, body["event_id"]) == 2


async def test_what_was_written_is_a_real_email(
    client: httpx.AsyncClient, tokens: TokenFactory, mail_dir: Path
) -> None:
    body = envelope("ORDER_SHIPPED")
    assert (await client.post("/notify", json=body, headers=service(tokens))).status_code == 202
    [eml] = [p for p in files_for(mail_dir, body["event_id"]) if p.suffix == ".eml"]
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == body["data"]["email"]
    assert message["Subject"] == "Order SO-2026-000123 is on its way"
    assert message["X-Shop-Event-Id"] == body["event_id"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "https://track.example.com/1Z999AA10123456784" in text
    assert 'href="https://track.example.com/1Z999AA10123456784"' in html


async def test_event_sent_through_smtp_reaches_the_mail_server(
    app: FastAPI, client: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path
) -> None:
    from notifications.clients import build_notifier
    from notifications.core.config import Settings

    from tests.smtp_server import SmtpServer

    working = app.state.notifier
    with SmtpServer("starttls", tmp_path) as server:
        settings = Settings(
            email_provider="smtp",
            sms_provider="console",
            **server.smtp_settings(),
        )
        app.state.notifier = build_notifier(settings)
        try:
            body = envelope("ORDER_SHIPPED", email="frank@example.com")
            response = await client.post("/notify", json=body, headers=service(tokens))
        finally:
            app.state.notifier = working
    assert response.status_code == 202, response.text
    [received] = server.received
    assert received.rcpt_tos == ["frank@example.com"]
    assert received.message["Subject"] == "Order SO-2026-000123 is on its way"
    assert received.message["X-Shop-Event-Id"] == body["event_id"]


async def test_longest_allowed_values_are_stored(
    client: httpx.AsyncClient, tokens: TokenFactory, db_session: AsyncSession
) -> None:
    body = envelope("LOW_STOCK", product_name="P" * 200, sku="S" * 64)
    response = await client.post("/notify", json=body, headers=service(tokens))
    assert response.status_code == 202, response.text
    rows = await sent_rows(db_session, body["event_id"])
    assert rows and all(len(r.subject or "") <= 200 for r in rows)
