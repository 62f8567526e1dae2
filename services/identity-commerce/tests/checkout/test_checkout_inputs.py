"""Bad input to checkout, orders, admin orders and the webhook gets a clear 4xx (in-process,
real PostgreSQL; nothing here may reach Stripe or the catalog)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from identity_commerce.clients.catalog import build_catalog_client
from identity_commerce.clients.stripe import StripeGateway
from identity_commerce.models import ProcessedStripeEvent, UserRole
from shopkit.testing import free_port
from shopkit.testing.tokens import TokenFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..account_factories import auth, make_address, make_user


@pytest.fixture
async def api(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The in-process app with every outbound edge pointed at a port nothing listens on."""
    closed = f"http://127.0.0.1:{free_port()}"
    settings = app.state.settings.model_copy(
        update={
            "catalog_url": closed,
            "stripe_api_base": closed,
            "http_retries": 1,
            "stripe_max_network_retries": 0,
        }
    )
    app.state.catalog_client = build_catalog_client(settings, app.state.token_signer)
    app.state.stripe_gateway = StripeGateway.from_settings(settings)
    yield client


@dataclass
class SignedIn:
    customer: dict[str, str]
    admin: dict[str, str]


@pytest.fixture
async def signed_in(db_session: AsyncSession, tokens: TokenFactory) -> SignedIn:
    """Headers of a real customer and a real admin (identity-commerce refuses tokens whose
    account does not exist before it reads any input)."""
    customer = await make_user(db_session)
    admin = await make_user(db_session, role=UserRole.admin)
    return SignedIn(customer=auth(tokens, customer), admin=auth(tokens, admin))


def signed(payload: dict[str, object], secret: str = "whsec_dev_shop") -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    mac = hmac.new(secret.encode(), b"%d.%s" % (ts, body), hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={mac}"


def event(event_type: str, obj: dict[str, object]) -> dict[str, object]:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": event_type,
        "data": {"object": obj},
    }


async def post_hook(api: httpx.AsyncClient, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return await api.post("/payments/webhook", content=body, headers=headers)


# --- webhook ------------------------------------------------------------------------------
async def test_webhook_without_or_with_a_bad_signature_is_400(api: httpx.AsyncClient) -> None:
    body, good = signed(
        event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    )
    assert (await post_hook(api, body, None)).status_code == 400
    assert (await post_hook(api, body, "nonsense")).status_code == 400
    _, other_secret = signed(json.loads(body), secret="whsec_other")
    assert (await post_hook(api, body, other_secret)).status_code == 400
    assert (await post_hook(api, body + b" ", good)).status_code == 400
    not_json, its_signature = b"hello", signed({})[1]
    assert (await post_hook(api, not_json, its_signature)).status_code == 400


async def test_webhook_ignores_other_types_and_unknown_intents_and_drops_replays(
    api: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    other = event("customer.created", {"id": "cus_1", "object": "customer"})
    answer = await post_hook(api, *signed(other))
    assert answer.status_code == 200 and answer.json()["outcome"] == "ignored"

    unknown = event(
        "payment_intent.succeeded",
        {
            "id": "pi_not_ours",
            "object": "payment_intent",
            "status": "succeeded",
            "amount": 100,
            "currency": "usd",
            "metadata": {},
        },
    )
    body, signature = signed(unknown)
    first = await post_hook(api, body, signature)
    assert first.status_code == 200 and first.json()["outcome"] == "ignored"
    again = await post_hook(api, body, signature)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    stored = await db_session.scalar(
        select(ProcessedStripeEvent).where(ProcessedStripeEvent.event_id == unknown["id"])
    )
    assert stored is not None and stored.object_id == "pi_not_ours"


# --- checkout -----------------------------------------------------------------------------
async def test_checkout_needs_a_signed_in_account(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    body = {"shipping_address_id": str(uuid.uuid4()), "billing_address_id": str(uuid.uuid4())}
    assert (await api.post("/checkout/create-payment-intent", json=body)).status_code == 401
    ghost = {"Authorization": f"Bearer {tokens.customer()}"}  # valid token, no such account
    assert (
        await api.post("/checkout/create-payment-intent", json=body, headers=ghost)
    ).status_code == 401
    service = {"Authorization": f"Bearer {tokens.service()}"}
    assert (
        await api.post("/checkout/create-payment-intent", json=body, headers=service)
    ).status_code == 403


async def test_checkout_with_an_empty_cart_is_400_and_someone_elses_address_404(
    api: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    alice, bob = await make_user(db_session), await make_user(db_session)
    mine = await make_address(db_session, alice)
    theirs = await make_address(db_session, bob)
    empty = await api.post(
        "/checkout/create-payment-intent",
        json={"shipping_address_id": str(mine.id), "billing_address_id": str(mine.id)},
        headers=auth(tokens, alice),
    )
    assert empty.status_code == 400
    assert empty.json() == {"detail": "Your cart is empty"}
    stolen = await api.post(
        "/checkout/create-payment-intent",
        json={"shipping_address_id": str(mine.id), "billing_address_id": str(theirs.id)},
        headers=auth(tokens, alice),
    )
    assert stolen.status_code == 404


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "has space", "tab\tinside", "naïve"],
    ids=["empty", "long", "space", "tab", "non-ascii"],
)
async def test_malformed_idempotency_keys_are_422(
    api: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory, key: str
) -> None:
    alice = await make_user(db_session)
    answer = await api.post(
        "/checkout/create-payment-intent",
        json={"shipping_address_id": str(uuid.uuid4()), "billing_address_id": str(uuid.uuid4())},
        headers={**auth(tokens, alice), "Idempotency-Key": key.encode()},
    )
    assert answer.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"order_id": "not-a-uuid"},
        {"order_id": str(uuid.uuid4()), "payment_method_id": "card_4242"},
        {"order_id": str(uuid.uuid4()), "payment_method_id": "pm_'; drop table orders"},
        {"order_id": str(uuid.uuid4()), "extra": 1},
    ],
)
async def test_confirm_validates_its_body(
    api: httpx.AsyncClient, signed_in: SignedIn, body: dict[str, object]
) -> None:
    headers = signed_in.customer
    assert (await api.post("/checkout/confirm", json=body, headers=headers)).status_code == 422


async def test_confirm_of_an_unknown_order_is_404(
    api: httpx.AsyncClient, signed_in: SignedIn
) -> None:
    headers = signed_in.customer
    answer = await api.post(
        "/checkout/confirm",
        json={"order_id": str(uuid.uuid4()), "payment_method_id": "pm_card_visa"},
        headers=headers,
    )
    assert answer.status_code == 404


# --- orders and admin ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    ["/orders?page=0", "/orders?page_size=0", "/orders?page_size=101"],
)
async def test_order_reads_validate_their_parameters(
    api: httpx.AsyncClient, signed_in: SignedIn, path: str
) -> None:
    headers = signed_in.customer
    assert (await api.get(path, headers=headers)).status_code == 422


async def test_an_order_path_that_is_not_an_order_id_names_no_order(
    api: httpx.AsyncClient, signed_in: SignedIn
) -> None:
    """`/orders/{order_id}` only matches a UUID, so `/orders/claim` (POST only) is not also
    a GET of an order: its 405 names only POST."""
    headers = signed_in.customer
    assert (await api.get("/orders/not-a-uuid", headers=headers)).status_code == 404
    wrong_method = await api.get("/orders/claim", headers=headers)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"


async def test_unknown_order_is_404_for_customers_and_admins(
    api: httpx.AsyncClient, signed_in: SignedIn
) -> None:
    missing = uuid.uuid4()
    customer = signed_in.customer
    admin = signed_in.admin
    assert (await api.get(f"/orders/{missing}", headers=customer)).status_code == 404
    assert (await api.post(f"/orders/{missing}/cancel", headers=customer)).status_code == 404
    assert (await api.get(f"/admin/orders/{missing}", headers=admin)).status_code == 404
    assert (
        await api.post(
            f"/admin/orders/{missing}/status", json={"status": "processing"}, headers=admin
        )
    ).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"status": "paid"},
        {"status": "expired"},
        {"status": "teleported"},
        {"status": "shipped"},
        {"status": "shipped", "carrier": "UPS"},
        {"status": "shipped", "carrier": "UPS", "tracking_number": "../etc/passwd"},
        {"status": "shipped", "carrier": "x" * 61, "tracking_number": "1Z"},
        {"status": "shipped", "carrier": "UP\u0000S", "tracking_number": "1Z"},
        {"status": "processing", "note": "nul \u0000 inside"},
        {"status": "processing", "note": "x" * 1001},
    ],
)
async def test_admin_status_changes_validate_their_body(
    api: httpx.AsyncClient, signed_in: SignedIn, body: dict[str, object]
) -> None:
    admin = signed_in.admin
    answer = await api.post(f"/admin/orders/{uuid.uuid4()}/status", json=body, headers=admin)
    assert answer.status_code == 422


async def test_admin_routes_refuse_customers_and_the_status_filter_is_checked(
    api: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    customer = await make_user(db_session)
    assert (await api.get("/admin/orders", headers=auth(tokens, customer))).status_code == 403
    admin_user = await make_user(db_session, role=UserRole.admin)
    admin = auth(tokens, admin_user)
    assert (await api.get("/admin/orders?status=lost", headers=admin)).status_code == 422
    page = await api.get("/admin/orders?status=paid&page_size=5", headers=admin)
    assert page.status_code == 200
    assert page.json()["page_size"] == 5


async def test_cancel_reason_without_control_characters(
    api: httpx.AsyncClient, signed_in: SignedIn
) -> None:
    headers = signed_in.customer
    answer = await api.post(
        f"/orders/{uuid.uuid4()}/cancel", json={"reason": "bye\u0000"}, headers=headers
    )
    assert answer.status_code == 422


@pytest.mark.parametrize(
    "payload",
    [
        {"id": 123, "type": "payment_intent.succeeded", "data": {"object": {}}},
        {"id": "evt_1", "type": "payment_intent.succeeded", "data": []},
        {"id": "evt_2", "type": "payment_intent.succeeded"},
        {"id": "evt_3", "type": "payment_intent.succeeded", "data": {"object": {"id": 42}}},
        {"id": "evt_4", "type": ["payment_intent.succeeded"], "data": {"object": {}}},
    ],
    ids=["id-not-text", "data-a-list", "no-data", "intent-id-a-number", "type-a-list"],
)
async def test_signed_events_of_a_shape_stripe_never_sends_are_400(
    api: httpx.AsyncClient, payload: dict[str, object]
) -> None:
    answer = await post_hook(api, *signed(payload))
    assert answer.status_code == 400
