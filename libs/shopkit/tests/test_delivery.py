"""The deliverer's outbound edge (respx): what it sends and how it classifies answers, and
the relay's reaction to an event the receiver refuses for good."""

from __future__ import annotations

import httpx
import pytest
import respx
from shopkit.db import Database
from shopkit.delivery import (
    DeliveryRejected,
    EventRefused,
    NotificationsDeliverer,
    notifications_deliverer,
)
from shopkit.events import make_event
from shopkit.outbox import FAILED, PENDING, OutboxRelay, PermanentDeliveryError, add_event
from shopkit.testing.tokens import TokenFactory
from shopkit.tokens import TokenVerifier
from sqlalchemy import select

from .conftest import KitSettings, Outbox

NOTIFY = "http://notifications.test/notify"


@pytest.fixture
def deliver(kit_settings: KitSettings, tokens: TokenFactory) -> NotificationsDeliverer:
    """identity-commerce's deliverer, sending to NOTIFY."""
    settings = kit_settings.model_copy(update={"notifications_url": "http://notifications.test"})
    return notifications_deliverer(settings, tokens.signer("identity-commerce"))


@respx.mock
async def test_posts_the_envelope_with_a_service_token(
    kit_settings: KitSettings, deliver: NotificationsDeliverer
) -> None:
    route = respx.post(NOTIFY).mock(return_value=httpx.Response(202, json={"status": "sent"}))
    envelope = make_event("ORDER_PAID", source="identity-commerce", data={"x": 1}).to_json_dict()
    await deliver(envelope)

    request = route.calls.last.request
    assert request.read() == httpx.Request("POST", NOTIFY, json=envelope).read()
    token = request.headers["Authorization"].removeprefix("Bearer ")
    verifier = TokenVerifier.from_keys_dir(
        kit_settings.keys_dir, issuer=kit_settings.jwt_issuer, audience=kit_settings.jwt_audience
    )
    principal = verifier.verify(token)
    assert principal.is_service and principal.subject == "service:identity-commerce"


@respx.mock
async def test_duplicate_counts_as_delivered(deliver: NotificationsDeliverer) -> None:
    respx.post(NOTIFY).mock(return_value=httpx.Response(202, json={"status": "duplicate"}))
    await deliver({"event_id": "x"})


@respx.mock
@pytest.mark.parametrize("status", [400, 409, 410, 413, 415, 422])
async def test_refused_event_is_permanent(deliver: NotificationsDeliverer, status: int) -> None:
    respx.post(NOTIFY).mock(
        return_value=httpx.Response(status, json={"detail": [{"msg": "unknown event type"}]})
    )
    with pytest.raises(EventRefused) as caught:
        await deliver({"event_id": "x"})
    assert isinstance(caught.value, PermanentDeliveryError)
    assert f"notifications answered {status}" in str(caught.value)
    assert "unknown event type" in str(caught.value)


@respx.mock
@pytest.mark.parametrize("status", [401, 403, 404, 408, 429, 500, 502, 503])
async def test_other_failures_are_worth_retrying(
    deliver: NotificationsDeliverer, status: int
) -> None:
    respx.post(NOTIFY).mock(return_value=httpx.Response(status, json={"detail": "no"}))
    with pytest.raises(DeliveryRejected) as caught:
        await deliver({"event_id": "x"})
    assert not isinstance(caught.value, PermanentDeliveryError)


@respx.mock
async def test_transport_error_is_raised(deliver: NotificationsDeliverer) -> None:
    respx.post(NOTIFY).mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(httpx.ConnectError):
        await deliver({"event_id": "x"})


@respx.mock
async def test_relay_fails_a_refused_event_at_once_and_keeps_retrying_others(
    database: Database, deliver: NotificationsDeliverer
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if b"BAD_TYPE" in request.read():
            return httpx.Response(422, json={"detail": "unknown event type"})
        return httpx.Response(503, json={"detail": "down"})

    respx.post(NOTIFY).mock(side_effect=answer)
    async with database.sessionmaker() as session, session.begin():
        refused = make_event("BAD_TYPE", source="test", data={})
        unlucky = make_event("ORDER_PAID", source="test", data={})
        add_event(session, Outbox, refused, aggregate_id="a")
        add_event(session, Outbox, unlucky, aggregate_id="b")

    relay = OutboxRelay(
        sessionmaker=database.sessionmaker,
        model=Outbox,
        deliver=deliver,
        backoff_base=0.0,
        backoff_max=0.0,
    )
    await relay.run_once()

    async with database.sessionmaker() as session:
        rows = {r.id: r for r in (await session.scalars(select(Outbox))).all()}
    assert (rows[refused.event_id].status, rows[refused.event_id].attempts) == (FAILED, 1)
    assert "422" in (rows[refused.event_id].last_error or "")
    assert (rows[unlucky.event_id].status, rows[unlucky.event_id].attempts) == (PENDING, 1)


async def test_aclose_releases_the_http_client(deliver: NotificationsDeliverer) -> None:
    assert not deliver.client.is_closed
    await deliver.aclose()
    assert deliver.client.is_closed
