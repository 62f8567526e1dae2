"""Reviews: listing with the rating of verified purchases, creating with the reviewer's JWT,
and the verified-purchase question to identity-commerce (mocked with respx at its HTTP edge)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from catalog_fulfillment.models import Product, Review
from shopkit.tokens import TokenVerifier
from sqlalchemy import func, select

from tests.factories import make_product
from tests.reviewing import VERIFIED_PATH, answer_by_user, bearer, post_review, review_body


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
    # Published, not counted, and due to be asked about again.
    review = await db_session.get(Review, uuid.UUID(response.json()["id"]))
    assert review is not None and review.verification_due_at is not None
    refreshed = await db_session.get(Product, product.id, populate_existing=True)
    assert refreshed.rating_count == 0


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
    buyers = [uuid.uuid4() for _ in range(4)]
    identity.get(VERIFIED_PATH).mock(side_effect=answer_by_user({str(b) for b in buyers}))
    for buyer, rating in zip(buyers, (5, 5, 4, 1), strict=True):
        await post_review(client, tokens, product.id, buyer, rating, f"{rating} stars")
    body = (await client.get(f"/reviews/product/{product.id}")).json()
    assert (body["count"], body["rating_count"], body["average"]) == (4, 4, 3.75)
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


async def test_unverified_reviews_are_listed_but_do_not_move_the_rating(
    client, tokens, db_session, identity
) -> None:
    product = await make_product(db_session)
    buyers = [uuid.uuid4(), uuid.uuid4()]
    identity.get(VERIFIED_PATH).mock(side_effect=answer_by_user({str(b) for b in buyers}))
    await post_review(client, tokens, product.id, buyers[0], 5, "Bought it, love it")
    await post_review(client, tokens, product.id, buyers[1], 4, "Bought it, like it")
    # Accounts that never bought it pile on one-star reviews: shown, not counted.
    for n in range(3):
        review = await post_review(client, tokens, product.id, uuid.uuid4(), 1, f"Drive-by {n}")
        assert review["verified_purchase"] is False
    refreshed = await db_session.get(Product, product.id, populate_existing=True)
    assert (str(refreshed.rating_avg), refreshed.rating_count) == ("4.50", 2)
    body = (await client.get(f"/reviews/product/{product.id}")).json()
    assert len(body["items"]) == body["count"] == 5
    assert (body["average"], body["rating_count"], body["unverified_count"]) == (4.5, 2, 3)
    assert body["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    listed = (await client.get("/catalog/products", params={"q": product.name})).json()
    assert [(i["rating_avg"], i["rating_count"]) for i in listed["items"]] == [(4.5, 2)]


async def test_a_product_with_only_unverified_reviews_has_no_rating(
    client, tokens, db_session, identity
) -> None:
    product = await make_product(db_session)
    identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
    await post_review(client, tokens, product.id, uuid.uuid4(), 5, "Never bought it")
    body = (await client.get(f"/reviews/product/{product.id}")).json()
    assert (body["count"], body["rating_count"], body["average"]) == (1, 0, 0.0)
    detail = (await client.get(f"/catalog/products/{product.id}")).json()
    assert (detail["rating_avg"], detail["rating_count"]) == (0.0, 0)


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


async def test_unverified_email_cannot_review(client, tokens, db_session, identity) -> None:
    product = await make_product(db_session)
    route = identity.get(VERIFIED_PATH).respond(200, json={"verified": True})
    unverified = tokens.user("customer", email_verified=False)
    response = await client.post(
        "/reviews", json=review_body(product.id), headers=bearer(unverified)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert "email" in response.json()["detail"]
    assert not route.called  # refused before asking anything else
    count = await db_session.scalar(
        select(func.count()).select_from(Review).where(Review.product_id == product.id)
    )
    assert count == 0
