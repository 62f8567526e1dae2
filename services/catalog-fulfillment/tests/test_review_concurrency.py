"""Reviews, reverifies and ratings at the same time on one product, on real separate
connections: writers queue on the product row, and every recount sees what the writers
before it committed, so rating_avg/rating_count end exact whatever the interleaving."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import httpx
from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.models import Product, Review
from catalog_fulfillment.schemas.reviews import ReviewCreate
from catalog_fulfillment.services import review_verification, reviews
from shopkit.db import Database
from shopkit.testing import TokenFactory
from shopkit.tokens import Principal
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_product
from tests.reviewing import IDENTITY, VERIFIED_PATH

BLOCKED_FOR = 0.5  # long enough to see that a writer waits for the product lock


def identity_client(tokens: TokenFactory, buyers: set[uuid.UUID]) -> IdentityClient:
    """identity-commerce at its HTTP edge: a purchase for `buyers` (read at each question)."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == VERIFIED_PATH
        verified = uuid.UUID(request.url.params["user_id"]) in buyers
        return httpx.Response(200, json={"verified": verified})

    return IdentityClient.build(
        base_url=IDENTITY,
        signer=tokens.signer("catalog-fulfillment"),
        timeout=2,
        retries=1,
        transport=httpx.MockTransport(answer),
    )


def review_of(product_id: uuid.UUID, rating: int) -> ReviewCreate:
    return ReviewCreate(
        product_id=product_id, rating=rating, title=f"{rating} stars", comment="Said it all."
    )


def customer(user_id: uuid.UUID) -> Principal:
    return Principal(subject=str(user_id), role="customer", email="shopper@example.com")


async def in_transaction(db: Database, work: Callable[[AsyncSession], Awaitable[object]]) -> None:
    async with db.sessionmaker() as session, session.begin():
        await work(session)


async def product_rating(db: Database, product_id: uuid.UUID) -> tuple[str, int, int]:
    async with db.sessionmaker() as session:
        product = await session.get(Product, product_id)
        assert product is not None
        listed = await session.scalar(
            select(func.count()).select_from(Review).where(Review.product_id == product_id)
        )
        return str(product.rating_avg), product.rating_count, int(listed or 0)


async def test_reviews_written_at_once_are_each_counted_once_and_only_if_verified(
    fresh_database, tokens
) -> None:
    db = Database(await fresh_database("reviews_at_once"), pool_size=4)
    first, unverified, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    identity = identity_client(tokens, {first, third})
    try:
        async with db.sessionmaker() as session, session.begin():
            product_id = (await make_product(session)).id

        def write(user: uuid.UUID, stars: int) -> Callable[[AsyncSession], Awaitable[object]]:
            return lambda s: reviews.create_review(
                s, principal=customer(user), data=review_of(product_id, stars), identity=identity
            )

        async with db.sessionmaker() as holder:
            await holder.begin()
            await write(first, 5)(holder)  # holds the product row until it commits
            others = [
                asyncio.create_task(in_transaction(db, write(unverified, 1))),
                asyncio.create_task(in_transaction(db, write(third, 2))),
            ]
            await asyncio.sleep(BLOCKED_FOR)
            assert not any(task.done() for task in others)  # queued on the product row
            await holder.commit()
        await asyncio.wait_for(asyncio.gather(*others), timeout=10)

        assert await product_rating(db, product_id) == ("3.50", 2, 3)
    finally:
        await identity.aclose()
        await db.dispose()


async def test_a_reverify_and_a_new_review_at_once_leave_the_rating_exact(
    fresh_database, tokens
) -> None:
    db = Database(await fresh_database("reverify_at_once"), pool_size=4)
    refunded, newcomer = uuid.uuid4(), uuid.uuid4()
    buyers = {refunded, newcomer}
    identity = identity_client(tokens, buyers)
    try:
        async with db.sessionmaker() as session, session.begin():
            product_id = (await make_product(session)).id
        await in_transaction(
            db,
            lambda s: reviews.create_review(
                s,
                principal=customer(refunded),
                data=review_of(product_id, 5),
                identity=identity,
            ),
        )
        assert await product_rating(db, product_id) == ("5.00", 1, 1)

        buyers.discard(refunded)
        async with db.sessionmaker() as reverifier:
            await reverifier.begin()
            result = await review_verification.reverify(
                reverifier, identity, user_id=refunded, product_ids=[product_id]
            )
            assert (result.rechecked, result.unverified) == (1, 1)
            review = asyncio.create_task(
                in_transaction(
                    db,
                    lambda s: reviews.create_review(
                        s,
                        principal=customer(newcomer),
                        data=review_of(product_id, 3),
                        identity=identity,
                    ),
                )
            )
            await asyncio.sleep(BLOCKED_FOR)
            assert not review.done()  # waits for the reverify's recount to commit
            await reverifier.commit()
        await asyncio.wait_for(review, timeout=10)

        # Only the newcomer's purchase counts; the refunded review is still listed.
        assert await product_rating(db, product_id) == ("3.00", 1, 2)
    finally:
        await identity.aclose()
        await db.dispose()
