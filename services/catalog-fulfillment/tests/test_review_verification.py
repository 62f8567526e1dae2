"""Verified purchase after the fact: `POST /reviews/reverify` (e.g. after a refund), the job
that rechecks reviews identity-commerce could not answer for, and the rule that the newest
asked answer wins. identity-commerce is answered at its HTTP edge (respx); the same flow
against the real identity-commerce process is in
tests/acceptance/test_acceptance_reviews.py."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from catalog_fulfillment.models import Product, PurchaseCheck, Review
from catalog_fulfillment.services import review_verification
from catalog_fulfillment.services.review_recheck import recheck_due_reviews
from sqlalchemy import func, select, update

from tests.factories import make_product
from tests.reviewing import VERIFIED_PATH, answer_by_user, bearer, post_review

REVERIFY = "/reviews/reverify"


async def rating(db_session, product: Product) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    refreshed = await db_session.get(Product, product.id, populate_existing=True)
    return str(refreshed.rating_avg), refreshed.rating_count


async def verified_flags(db_session, product: Product) -> dict[uuid.UUID, bool]:  # type: ignore[no-untyped-def]
    rows = await db_session.execute(
        select(Review.user_id, Review.verified_purchase)
        .where(Review.product_id == product.id)
        .execution_options(populate_existing=True)
    )
    return dict(rows.all())


async def test_reverify_unverifies_a_refunded_purchase_and_recounts_the_rating(
    client, tokens, db_session, identity
) -> None:
    kettle, mug = await make_product(db_session), await make_product(db_session)
    refunded, other = uuid.uuid4(), uuid.uuid4()
    buyers = {str(refunded), str(other)}
    route = identity.get(VERIFIED_PATH).mock(side_effect=answer_by_user(buyers))
    await post_review(client, tokens, kettle.id, refunded, rating=5)
    await post_review(client, tokens, mug.id, refunded, rating=2)
    await post_review(client, tokens, kettle.id, other, rating=3)
    assert await rating(db_session, kettle) == ("4.00", 2)

    buyers.discard(str(refunded))  # the order was refunded: identity-commerce now says no
    body = {"user_id": str(refunded), "product_ids": [str(kettle.id), str(mug.id)]}
    service = bearer(tokens.service())
    asked_before = route.call_count
    response = await client.post(REVERIFY, json=body, headers=service)
    assert response.status_code == 200, response.text
    assert response.json() == {"rechecked": 2, "unverified": 2}
    assert route.call_count - asked_before == 2
    assert (await verified_flags(db_session, kettle)) == {refunded: False, other: True}
    assert await rating(db_session, kettle) == ("3.00", 1)
    assert await rating(db_session, mug) == ("0.00", 0)
    listing = (await client.get(f"/reviews/product/{kettle.id}")).json()
    assert (listing["count"], listing["rating_count"], listing["unverified_count"]) == (2, 1, 1)

    # Idempotent: again, the same answer and nothing moves.
    again = await client.post(REVERIFY, json=body, headers=service)
    assert again.json() == {"rechecked": 2, "unverified": 2}
    assert await rating(db_session, kettle) == ("3.00", 1)

    # And a purchase that counts again (a new order) verifies the review again.
    buyers.add(str(refunded))
    back = await client.post(REVERIFY, json=body, headers=service)
    assert back.json() == {"rechecked": 2, "unverified": 0}
    assert await rating(db_session, kettle) == ("4.00", 2)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("too slow"),
        httpx.Response(503),
        httpx.Response(500),
        httpx.Response(200, json={"verified": "no"}),
    ],
    ids=["refused", "timeout", "503", "500", "malformed"],
)
async def test_reverify_changes_nothing_when_identity_cannot_answer_every_question(
    client, tokens, db_session, identity, failure
) -> None:
    answered, unanswered = await make_product(db_session), await make_product(db_session)
    user = uuid.uuid4()
    identity.get(VERIFIED_PATH).respond(200, json={"verified": True})
    await post_review(client, tokens, answered.id, user, rating=5)
    await post_review(client, tokens, unanswered.id, user, rating=4)
    checks_before = await db_session.scalar(
        select(func.count()).select_from(PurchaseCheck).where(PurchaseCheck.user_id == user)
    )

    identity.routes.clear()
    no = identity.get(VERIFIED_PATH, params={"product_id": str(answered.id)})
    no.respond(200, json={"verified": False})
    broken = identity.get(VERIFIED_PATH, params={"product_id": str(unanswered.id)})
    if isinstance(failure, Exception):
        broken.side_effect = failure
    else:
        broken.return_value = failure
    response = await client.post(
        REVERIFY,
        json={"user_id": str(user), "product_ids": [str(answered.id), str(unanswered.id)]},
        headers=bearer(tokens.service()),
    )
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    # Not half applied: the "no" that did arrive changed nothing either.
    assert (await verified_flags(db_session, answered)) == {user: True}
    assert await rating(db_session, answered) == ("5.00", 1)
    assert await rating(db_session, unanswered) == ("4.00", 1)
    checks_after = await db_session.scalar(
        select(func.count()).select_from(PurchaseCheck).where(PurchaseCheck.user_id == user)
    )
    assert checks_after == checks_before


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": str(uuid.uuid4()), "product_ids": []},
        {"user_id": str(uuid.uuid4()), "product_ids": [str(uuid.uuid4()) for _ in range(101)]},
        {"user_id": "someone", "product_ids": [str(uuid.uuid4())]},
        {"user_id": str(uuid.uuid4()), "product_ids": ["not-a-uuid"]},
        {"user_id": str(uuid.uuid4()), "product_ids": str(uuid.uuid4())},
        {"product_ids": [str(uuid.uuid4())]},
        {"user_id": str(uuid.uuid4()), "product_ids": [str(uuid.uuid4())], "all": True},
    ],
    ids=["no-ids", "101-ids", "bad-user", "bad-id", "not-a-list", "no-user", "extra-field"],
)
async def test_reverify_refuses_bad_bodies(client, tokens, identity, body) -> None:
    route = identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
    response = await client.post(REVERIFY, json=body, headers=bearer(tokens.service()))
    assert response.status_code == 422, response.text
    assert not route.called


async def test_reverify_skips_unknown_products_and_asks_once_per_product(
    client, tokens, db_session, identity
) -> None:
    product = await make_product(db_session)
    user = uuid.uuid4()
    route = identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
    unknown = [str(uuid.uuid4()) for _ in range(99)]
    response = await client.post(
        REVERIFY,
        json={"user_id": str(user), "product_ids": [*unknown, str(product.id)]},
        headers=bearer(tokens.service()),
    )
    assert response.json() == {"rechecked": 0, "unverified": 0}  # no review of it yet
    assert route.call_count == 1
    assert dict(route.calls.last.request.url.params) == {
        "user_id": str(user),
        "product_id": str(product.id),
    }
    nothing_known = await client.post(
        REVERIFY,
        json={"user_id": str(user), "product_ids": unknown[:3]},
        headers=bearer(tokens.service()),
    )
    assert nothing_known.json() == {"rechecked": 0, "unverified": 0}
    assert route.call_count == 1


async def test_reverify_is_for_services_only(client, tokens, db_session, identity) -> None:
    product = await make_product(db_session)
    route = identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
    body = {"user_id": str(uuid.uuid4()), "product_ids": [str(product.id)]}
    assert (await client.post(REVERIFY, json=body)).status_code == 401
    for token in (tokens.customer(), tokens.admin()):
        assert (await client.post(REVERIFY, json=body, headers=bearer(token))).status_code == 403
    assert not route.called


async def test_a_refund_recheck_during_a_review_wins_over_the_reviews_older_answer(
    client, tokens, db_session, identity
) -> None:
    """The shopper posts a review while the order is being refunded: the review's question
    is answered "yes" (before the refund), but the refund's reverify, asked later, lands
    first (the review is not written yet). The later-asked "no" must win."""
    product = await make_product(db_session)
    user = uuid.uuid4()
    reverified: list[httpx.Response] = []

    async def yes_but_meanwhile_refunded(request: httpx.Request) -> httpx.Response:
        if not reverified:  # the review's question: the refund happens while it is in flight
            identity.routes.clear()
            identity.get(VERIFIED_PATH).respond(200, json={"verified": False})
            reverified.append(
                await client.post(
                    REVERIFY,
                    json={"user_id": str(user), "product_ids": [str(product.id)]},
                    headers=bearer(tokens.service()),
                )
            )
        return httpx.Response(200, json={"verified": True})

    identity.get(VERIFIED_PATH).mock(side_effect=yes_but_meanwhile_refunded)
    review = await post_review(client, tokens, product.id, user, rating=5)
    assert reverified[0].json() == {"rechecked": 0, "unverified": 0}  # no review yet
    assert review["verified_purchase"] is False
    assert await rating(db_session, product) == ("0.00", 0)


async def test_an_older_answer_never_overwrites_a_newer_one(db_session) -> None:
    product = await make_product(db_session)
    user = uuid.uuid4()
    db_session.add(
        Review(
            product_id=product.id,
            user_id=user,
            author_name="Ada",
            rating=4,
            title="Fine",
            comment="Fine.",
            verified_purchase=False,
        )
    )
    await db_session.flush()
    now = await review_verification.database_now(db_session)
    newer = await review_verification.apply_answers(
        db_session, user_id=user, answers={product.id: False}, asked_at=now
    )
    older = await review_verification.apply_answers(
        db_session, user_id=user, answers={product.id: True}, asked_at=now - timedelta(seconds=1)
    )
    assert newer == older == {product.id: False}
    assert await rating(db_session, product) == ("0.00", 0)


async def test_reviews_written_while_identity_was_down_are_rechecked(
    app, client, tokens, db_session, identity
) -> None:
    product = await make_product(db_session)
    buyer, browser, unlucky = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    down = identity.get(VERIFIED_PATH).mock(side_effect=httpx.ConnectError("refused"))
    for user in (buyer, browser, unlucky):
        review = await post_review(client, tokens, product.id, user, rating=5)
        assert review["verified_purchase"] is False
    assert await rating(db_session, product) == ("0.00", 0)

    # Still down: the round stops at the first failure and the reviews wait their turn.
    asked_before = down.call_count
    assert await recheck_due_reviews(app) == 3
    asked = {c.request.url.params["user_id"] for c in down.calls[asked_before:]}
    assert len(asked) == 1
    waiting = await db_session.scalars(
        select(Review.verification_due_at)
        .where(Review.product_id == product.id)
        .execution_options(populate_existing=True)
    )
    assert all(due is not None for due in waiting)
    assert await recheck_due_reviews(app) == 0  # not due again before the retry delay

    # identity-commerce is back; one answer is malformed and must not hold up the others.
    identity.routes.clear()
    identity.get(VERIFIED_PATH, params={"user_id": str(unlucky)}).respond(200, text="<html>")
    identity.get(VERIFIED_PATH).mock(side_effect=answer_by_user({str(buyer)}))
    await db_session.execute(
        update(Review)
        .where(Review.product_id == product.id)
        .values(verification_due_at=func.clock_timestamp() - timedelta(seconds=1))
    )
    assert await recheck_due_reviews(app) == 3
    assert (await verified_flags(db_session, product)) == {
        buyer: True,
        browser: False,
        unlucky: False,
    }
    assert await rating(db_session, product) == ("5.00", 1)
    still_due = await db_session.scalars(
        select(Review.user_id)
        .where(Review.product_id == product.id, Review.verification_due_at.is_not(None))
        .execution_options(populate_existing=True)
    )
    assert list(still_due) == [unlucky]
