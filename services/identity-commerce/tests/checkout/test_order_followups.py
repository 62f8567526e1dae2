"""The follow-ups of a refund against a real HTTP server standing in for catalog-fulfillment's
two routes (the contract of `POST /reviews/reverify` and `POST /inventory/restock`), one
edge at a time: success, a catalog that is down (retried with backoff), a refusal that
retrying cannot fix (parked as failed)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from fastapi import FastAPI
from identity_commerce.clients.catalog import build_catalog_client
from identity_commerce.models import FollowUpKind, OrderFollowUp
from identity_commerce.services.order_followups import FollowUpClients, attempt_followup
from shopkit.db import utcnow
from shopkit.testing.stub_server import QuietHandler, serving_handler


class FakeCatalog(QuietHandler):
    answers: ClassVar[list[tuple[int, dict[str, Any]]]] = []
    received: ClassVar[list[tuple[str, str | None, dict[str, Any]]]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, self.headers.get("Authorization"), body))
        self.send_json(*(self.answers.pop(0) if self.answers else (200, {})))


@pytest.fixture
def clients(app: FastAPI) -> Iterator[FollowUpClients]:
    FakeCatalog.answers, FakeCatalog.received = [], []
    with serving_handler(FakeCatalog) as catalog_url:
        settings = app.state.settings.model_copy(
            update={"catalog_url": catalog_url, "http_retries": 1}
        )
        yield FollowUpClients(
            catalog=build_catalog_client(settings, app.state.token_signer),
            retry_base=timedelta(seconds=5),
            retry_max=timedelta(seconds=8),
            session_factory=app.state.session_factory,
        )


def followup(kind: FollowUpKind, payload: dict[str, Any]) -> OrderFollowUp:
    return OrderFollowUp(
        id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        kind=kind.value,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )


async def test_reverify_sends_the_contract_body_with_a_service_token(
    clients: FollowUpClients,
) -> None:
    user_id, products = uuid.uuid4(), [str(uuid.uuid4()) for _ in range(2)]
    FakeCatalog.answers = [(200, {"rechecked": 2, "unverified": 2})]
    work = followup(
        FollowUpKind.REVERIFY_REVIEWS, {"user_id": str(user_id), "product_ids": products}
    )
    assert await attempt_followup(work, clients) == "done"
    [(path, authorization, body)] = FakeCatalog.received
    assert path == "/reviews/reverify"
    assert authorization is not None and authorization.startswith("Bearer ")
    assert body == {"user_id": str(user_id), "product_ids": products}
    assert (work.status, work.attempts, work.done_at is not None) == ("done", 1, True)


async def test_reverify_asks_at_most_a_hundred_products_at_a_time(
    clients: FollowUpClients,
) -> None:
    products = [str(uuid.uuid4()) for _ in range(150)]
    FakeCatalog.answers = [(200, {"rechecked": 100, "unverified": 1})] * 2
    work = followup(
        FollowUpKind.REVERIFY_REVIEWS, {"user_id": str(uuid.uuid4()), "product_ids": products}
    )
    assert await attempt_followup(work, clients) == "done"
    assert [len(body["product_ids"]) for _, _, body in FakeCatalog.received] == [100, 50]


async def test_a_catalog_that_is_down_is_asked_again_later_with_a_growing_wait(
    clients: FollowUpClients,
) -> None:
    FakeCatalog.answers = [(503, {"detail": "down"})] * 3 + [(404, {"detail": "Not Found"})]
    work = followup(
        FollowUpKind.REVERIFY_REVIEWS,
        {"user_id": str(uuid.uuid4()), "product_ids": [str(uuid.uuid4())]},
    )
    waits = []
    for _ in range(4):  # 503 x3, then 404: the route not deployed yet is retried too
        before = utcnow()
        assert await attempt_followup(work, clients) == "retry"
        waits.append(round((work.next_attempt_at - before).total_seconds()))
    assert waits == [5, 8, 8, 8]  # 5 s doubling, capped at 8 s
    assert (work.status, work.attempts) == ("pending", 4)
    assert work.last_error


@pytest.mark.parametrize(
    ("kind", "payload", "status"),
    [
        (
            FollowUpKind.RESTOCK,
            {"key": "order-x-restock", "items": [{"sku": "GONE", "quantity": 1}]},
            404,
        ),
        (
            FollowUpKind.RESTOCK,
            {"key": "order-x-restock", "items": [{"sku": "A", "quantity": 1}]},
            409,
        ),
        (
            FollowUpKind.REVERIFY_REVIEWS,
            {"user_id": str(uuid.uuid4()), "product_ids": [str(uuid.uuid4())]},
            422,
        ),
    ],
)
async def test_a_refusal_retrying_cannot_fix_is_parked_as_failed(
    clients: FollowUpClients, kind: FollowUpKind, payload: dict[str, Any], status: int
) -> None:
    FakeCatalog.answers = [(status, {"detail": "no"})]
    work = followup(kind, payload)
    assert await attempt_followup(work, clients) == "failed"
    assert work.status == "failed" and work.last_error


async def test_restock_sends_its_key_and_items(clients: FollowUpClients) -> None:
    items = [{"sku": "MUG-1", "quantity": 2}, {"sku": "PEN-1", "quantity": 1}]
    FakeCatalog.answers = [(200, {"key": "order-1-restock", "items": items})]
    work = followup(FollowUpKind.RESTOCK, {"key": "order-1-restock", "items": items})
    assert await attempt_followup(work, clients) == "done"
    [(path, _, body)] = FakeCatalog.received
    assert (path, body) == ("/inventory/restock", {"key": "order-1-restock", "items": items})
