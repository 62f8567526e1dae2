"""The admin routes of the outbox: who may use them, what the list shows as held back, and
retry and discard of a parked event over HTTP, with the relay delivering afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from shopkit.app import create_service_app
from shopkit.db import Database
from shopkit.delivery import notifications_deliverer, outbox_admin_router
from shopkit.events import make_event
from shopkit.outbox import DISCARDED, FAILED, PENDING, SENT, OutboxRelay, add_event
from shopkit.testing.tokens import TokenFactory

from .conftest import KitSettings, Outbox
from .receiver import Receiver, running_receiver


@pytest.fixture
async def admin_app(kit_settings: KitSettings, database: Database) -> AsyncIterator[FastAPI]:
    settings = kit_settings.model_copy(update={"outbox_relay_enabled": False})
    app = create_service_app(
        settings, title="source", description="outbox owner", routers=[outbox_admin_router(Outbox)]
    )
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def http(admin_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=admin_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://source") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def write_order_events(db: Database, order: str, count: int) -> list[str]:
    ids = []
    async with db.sessionmaker() as session, session.begin():
        for i in range(count):
            event = make_event("ORDER_PAID", source="test", data={"n": i})
            add_event(session, Outbox, event, aggregate_id=order)
            ids.append(str(event.event_id))
    return ids


def relay(db: Database, settings: KitSettings, url: str) -> OutboxRelay:
    settings = settings.model_copy(update={"notifications_url": url})
    signer = TokenFactory(
        settings.keys_dir, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    ).signer("identity-commerce")
    return OutboxRelay(
        sessionmaker=db.sessionmaker,
        model=Outbox,
        deliver=notifications_deliverer(settings, signer),
        backoff_base=0.0,
        backoff_max=0.0,
    )


async def test_admin_routes_refuse_without_a_token_and_for_non_admins(
    http: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    some_id = uuid.uuid4()
    for method, path in (
        ("GET", "/admin/outbox"),
        ("POST", f"/admin/outbox/{some_id}/retry"),
        ("POST", f"/admin/outbox/{some_id}/discard"),
    ):
        assert (await http.request(method, path)).status_code == 401
        for token in (tokens.customer(), tokens.service()):
            assert (await http.request(method, path, headers=bearer(token))).status_code == 403


async def test_openapi_documents_every_status_of_the_admin_routes(http: httpx.AsyncClient) -> None:
    paths = (await http.get("/openapi.json")).json()["paths"]
    documented = {
        (method, path): set(operation["responses"])
        for path, operations in paths.items()
        for method, operation in operations.items()
        if path.startswith("/admin/outbox")
    }
    assert documented == {
        ("get", "/admin/outbox"): {"200", "401", "403", "422", "503"},
        ("post", "/admin/outbox/{event_id}/retry"): {"200", "401", "403", "404", "422", "503"},
        ("post", "/admin/outbox/{event_id}/discard"): {"200", "401", "403", "404", "422", "503"},
    }


async def test_parked_event_shows_what_it_holds_back_then_discard_releases_the_rest(
    http: httpx.AsyncClient,
    database: Database,
    kit_settings: KitSettings,
    tokens: TokenFactory,
) -> None:
    admin_id = uuid.uuid4()
    admin = bearer(tokens.admin(user_id=admin_id))
    with running_receiver(Receiver()) as receiver:
        first, second, third = await write_order_events(database, "order-9", 3)
        receiver.refused = {first}
        source_relay = relay(database, kit_settings, receiver.url)
        for _ in range(3):
            await source_relay.run_once()

        listed = (await http.get("/admin/outbox", headers=admin)).json()
        entries = {e["id"]: e for e in listed["items"]}
        assert listed["total"] == 3
        assert entries[first]["status"] == FAILED and entries[first]["holding"] == 2
        assert entries[first]["blocked_by"] is None
        assert [entries[i]["blocked_by"] for i in (second, third)] == [first, first]
        assert [entries[i]["status"] for i in (second, third)] == [PENDING, PENDING]

        # only a parked event can be discarded; a customer cannot
        assert (
            await http.post(f"/admin/outbox/{second}/discard", headers=admin)
        ).status_code == 404
        assert (
            await http.post(f"/admin/outbox/{uuid.uuid4()}/discard", headers=admin)
        ).status_code == 404
        customer = bearer(tokens.customer())
        forbidden = await http.post(f"/admin/outbox/{first}/discard", headers=customer)
        assert forbidden.status_code == 403

        discarded = await http.post(f"/admin/outbox/{first}/discard", headers=admin)
        assert discarded.status_code == 200, discarded.text
        body = discarded.json()
        assert body["status"] == DISCARDED and body["holding"] == 0
        assert body["discarded_by"] == str(admin_id) and body["discarded_at"]
        again = await http.post(f"/admin/outbox/{first}/discard", headers=admin)
        assert again.status_code == 404
        assert (await http.post(f"/admin/outbox/{first}/retry", headers=admin)).status_code == 404

        for _ in range(3):
            await source_relay.run_once()

    assert [e["event_id"] for e in receiver.received] == [second, third]
    listed = (await http.get("/admin/outbox?status=sent", headers=admin)).json()
    assert {e["id"] for e in listed["items"]} == {second, third}
    assert all(e["blocked_by"] is None for e in listed["items"])
    discarded_list = (await http.get("/admin/outbox?status=discarded", headers=admin)).json()
    assert [e["id"] for e in discarded_list["items"]] == [first]


async def test_admin_retry_of_a_parked_event_delivers_it_before_the_newer_ones(
    http: httpx.AsyncClient,
    database: Database,
    kit_settings: KitSettings,
    tokens: TokenFactory,
) -> None:
    admin = bearer(tokens.admin())
    with running_receiver(Receiver()) as receiver:
        ids = await write_order_events(database, "order-7", 3)
        receiver.refused = {ids[0]}
        source_relay = relay(database, kit_settings, receiver.url)
        for _ in range(3):
            await source_relay.run_once()
        assert receiver.received == []

        receiver.refused.clear()
        retried = await http.post(f"/admin/outbox/{ids[0]}/retry", headers=admin)
        assert retried.status_code == 200, retried.text
        assert retried.json()["status"] == PENDING and retried.json()["holding"] == 2
        assert retried.json()["attempts"] == 0
        for _ in range(3):
            await source_relay.run_once()

    assert [e["event_id"] for e in receiver.received] == ids
    statuses = (await http.get("/admin/outbox", headers=admin)).json()["items"]
    assert {e["status"] for e in statuses} == {SENT}
