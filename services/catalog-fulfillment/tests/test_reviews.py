"""Reviews: listing with average/count/histogram, creating with the reviewer's JWT, and the
verified-purchase question to identity-commerce (mocked with respx at its HTTP edge)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
import respx
from catalog_fulfillment.models import Product, Review
from shopkit.tokens import TokenVerifier
from sqlalchemy import func, select

from tests.factories import make_product

IDENTITY = "http://identity.test"
VERIFIED_PATH = "/internal/verified-purchase"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def review_body(product_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    return {
        "product_id": str(product_id),
        "rating": 4,
        "title": "Solid everyday kettle",
        "comment": "Boils a full litre in under three minutes; the lid could be stiffer.",
        **overrides,
    }


@pytest.fixture
def identity():
    with respx.mock(base_url=IDENTITY, assert_all_called=False) as router:
        yield router


async def test_review_of_a_buyer_is_verified(
    client, tokens, db_session, identity, keys_dir
) -> None:
    product = await make_product(db_session)
    user_id = uuid.uuid4()
    route = identity.get(VERIFIED_PATH).respond(200, json={"verified": True})
    response = await client.post(
        "/reviews",
        json=review_body(product.id),
        headers=bearer(tokens.customer(user_id=user_id, email="alice.doe@example.com")),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["verified_purchase"] is True
    assert (body["rating"], body["author_name"], body["product_id"]) == (
        4,
        "Alice",
        str(product.id),
    )
    # The question carried the right ids and a service token signed by this service.
    request = route.calls.last.request
    assert dict(request.url.params) == {"user_id": str(user_id), "product_id": str(product.id)}
    token = request.headers["Authorization"].removeprefix("Bearer ")
    verifier = TokenVerifier.from_keys_dir(keys_dir, issuer=tokens.issuer, audience=tokens.audience)
    principal = verifier.verify(token)
    assert (principal.role, principal.subject) == ("service", "service:catalog-fulfillment")


async def test_review_of_a_non_buyer_is_not_verified(client, tokens, db_session, identity) -> None:
    product = await make_product(db_session)
    identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
    response = await client.post(
        "/reviews",
        json=review_body(product.id, display_name="Bob"),
        headers=bearer(tokens.customer()),
    )
    assert response.status_code == 201
    assert (response.json()["verified_purchase"], response.json()["author_name"]) == (False, "Bob")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("too slow"),
        httpx.Response(503),
        httpx.Response(500),
        httpx.Response(404, json={"detail": "Not Found"}),
        httpx.Response(200, json={"verified": "yes"}),
        httpx.Response(200, text="<html>proxy error</html>"),
    ],
    ids=["refused", "timeout", "503", "500", "404", "not-bool", "not-json"],
)
async def test_identity_failures_store_unverified_instead_of_failing(
    client, tokens, db_session, identity, answer
) -> None:
    product = await make_product(db_session)
    route = identity.get(VERIFIED_PATH)
    if isinstance(answer, Exception):
        route.side_effect = answer
    else:
        route.return_value = answer
    response = await client.post(
        "/reviews", json=review_body(product.id), headers=bearer(tokens.customer())
    )
    assert response.status_code == 201, response.text
    assert response.json()["verified_purchase"] is False
    assert route.called


async def test_second_review_by_the_same_user_conflicts(
    client, tokens, db_session, identity
) -> None:
    product = await make_product(db_session)
    identity.get(VERIFIED_PATH).respond(200, json={"verified": True})
    user_id = uuid.uuid4()
    headers = bearer(tokens.customer(user_id=user_id))
    assert (
        await client.post("/reviews", json=review_body(product.id), headers=headers)
    ).status_code == 201
    again = await client.post("/reviews", json=review_body(product.id, rating=1), headers=headers)
    assert again.status_code == 409
    other_user = await client.post(
        "/reviews", json=review_body(product.id), headers=bearer(tokens.customer())
    )
    assert other_user.status_code == 201


async def test_listing_has_average_count_histogram_and_updates_product(
    client, tokens, db_session, identity
) -> None:
    product = await make_product(db_session)
    identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
    for rating in (5, 5, 4, 1):
        response = await client.post(
            "/reviews",
            json=review_body(product.id, rating=rating, title=f"{rating} stars"),
            headers=bearer(tokens.customer()),
        )
        assert response.status_code == 201
    body = (await client.get(f"/reviews/product/{product.id}")).json()
    assert (body["count"], body["average"]) == (4, 3.75)
    assert body["histogram"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2}
    assert [i["title"] for i in body["items"]] == ["1 stars", "4 stars", "5 stars", "5 stars"]
    page = (
        await client.get(f"/reviews/product/{product.id}", params={"page_size": 3, "page": 2})
    ).json()
    assert [i["title"] for i in page["items"]] == ["5 stars"]
    refreshed = await db_session.get(Product, product.id, populate_existing=True)
    assert (str(refreshed.rating_avg), refreshed.rating_count) == ("3.75", 4)
    detail = (await client.get(f"/catalog/products/{product.id}")).json()
    assert (detail["rating_avg"], detail["rating_count"]) == (3.75, 4)


async def test_empty_listing(client, db_session) -> None:
    product = await make_product(db_session)
    body = (await client.get(f"/reviews/product/{product.id}")).json()
    assert (body["items"], body["count"], body["average"]) == ([], 0, 0.0)
    assert body["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


async def test_unknown_or_archived_product_is_404(client, tokens, db_session, identity) -> None:
    archived = await make_product(db_session, status="archived")
    for product_id in (uuid.uuid4(), archived.id):
        assert (await client.get(f"/reviews/product/{product_id}")).status_code == 404
        response = await client.post(
            "/reviews", json=review_body(product_id), headers=bearer(tokens.customer())
        )
        assert response.status_code == 404
    assert (await client.get("/reviews/product/not-a-uuid")).status_code == 422


@pytest.mark.parametrize(
    "changes",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": 4.5},
        {"rating": "5"},
        {"title": ""},
        {"title": "   "},
        {"comment": "x" * 5001},
        {"product_id": "nope"},
        {"extra": True},
    ],
)
async def test_bad_reviews_are_422(client, tokens, db_session, changes) -> None:
    product = await make_product(db_session)
    body = {**review_body(product.id), **changes}
    response = await client.post("/reviews", json=body, headers=bearer(tokens.customer()))
    assert response.status_code == 422
    stored = await db_session.scalar(select(func.count()).where(Review.product_id == product.id))
    assert stored == 0


async def test_reviewing_needs_a_user_token(client, tokens, db_session, tmp_path: Path) -> None:
    product = await make_product(db_session)
    body = review_body(product.id)
    assert (await client.post("/reviews", json=body)).status_code == 401
    assert (
        await client.post("/reviews", json=body, headers=bearer(tokens.service()))
    ).status_code == 403
    for name, bad in tokens.bad_tokens(tmp_path).items():
        assert (await client.post("/reviews", json=body, headers=bearer(bad))).status_code == 401, (
            name
        )
