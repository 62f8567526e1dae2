"""Verified purchase: asking identity-commerce, recording its answers, keeping ratings exact.

A product's `rating_avg` and `rating_count` count verified-purchase reviews only; other
reviews are shown but do not move them. Every path that writes a review or its verification
(writing a review, `POST /reviews/reverify`, the recheck job) follows the same rules:

- Ask identity-commerce before taking any lock: a slow answer never blocks other writers.
  Note the database clock just before asking (`asked_at`).
- Per (user, product) the newest-asked answer wins (`PurchaseCheck`), in whatever order the
  answers arrive: a review written while its order is being refunded cannot keep a "yes"
  that was asked before the refund once the refund's recheck has answered "no".
- Holding the product row lock (FOR NO KEY UPDATE, several products in id order), copy the
  winning answer onto the review and recount the product's rating from its verified reviews.
  Two writers of one product queue on that lock, and each recount is a new statement that
  sees every review committed before the lock was granted, so the aggregates stay exact.
- When identity-commerce cannot answer, nothing is applied: a new review is stored unverified
  and due for a recheck (`verification_due_at`); a reverify call answers 503.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shopkit.http import UpstreamUnavailable
from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.clients.identity import IdentityClient, UnexpectedAnswer
from catalog_fulfillment.models import Product, PurchaseCheck, Review

log = logging.getLogger("catalog_fulfillment.review_verification")

# Questions to identity-commerce in flight at once for one reverify call (up to 100 products).
QUESTIONS_AT_ONCE = 8


class IdentityCannotAnswer(Exception):
    """identity-commerce is down, too slow, or answered outside the contract."""

    def __init__(self, reason: str, *, unreachable: bool) -> None:
        super().__init__(reason)
        self.unreachable = unreachable  # down or overloaded, rather than a broken answer


@dataclass(frozen=True)
class Recheck:
    rechecked: int  # the user's reviews of the products asked about
    unverified: int  # of those, how many are not verified purchases now


async def database_now(session: AsyncSession) -> datetime:
    """The database's clock (not the transaction start): all workers compare one clock."""
    return (await session.execute(select(func.clock_timestamp()))).scalar_one()


async def ask(identity: IdentityClient, *, user_id: uuid.UUID, product_id: uuid.UUID) -> bool:
    try:
        return await identity.verified_purchase(user_id=user_id, product_id=product_id)
    except UpstreamUnavailable as exc:
        raise IdentityCannotAnswer(str(exc), unreachable=True) from exc
    except UnexpectedAnswer as exc:
        raise IdentityCannotAnswer(str(exc), unreachable=False) from exc


async def ask_many(
    identity: IdentityClient, *, user_id: uuid.UUID, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """Every answer, or IdentityCannotAnswer as soon as one question fails (the others are
    cancelled: a caller gets all answers or none)."""
    gate = asyncio.Semaphore(QUESTIONS_AT_ONCE)

    async def one(product_id: uuid.UUID) -> tuple[uuid.UUID, bool]:
        async with gate:
            return product_id, await ask(identity, user_id=user_id, product_id=product_id)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(product_id)) for product_id in product_ids]
    except* IdentityCannotAnswer as failures:
        raise failures.exceptions[0] from None
    return dict(task.result() for task in tasks)


async def lock_products(session: AsyncSession, product_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Lock the products that exist (active or archived), in id order: two writers that
    touch several products queue instead of deadlocking. Returns the ids found."""
    found = await session.scalars(
        select(Product.id)
        .where(Product.id.in_(sorted(set(product_ids))))
        .order_by(Product.id)
        .with_for_update(key_share=True)
    )
    return list(found.all())


async def record_answers(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    answers: dict[uuid.UUID, bool],
    asked_at: datetime,
) -> None:
    """Keep each answer unless a newer-asked one is already recorded for that product."""
    if not answers:
        return
    rows = [
        {"user_id": user_id, "product_id": product_id, "verified": verified, "asked_at": asked_at}
        for product_id, verified in sorted(answers.items())
    ]
    statement = insert(PurchaseCheck).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[PurchaseCheck.user_id, PurchaseCheck.product_id],
            set_={"verified": statement.excluded.verified, "asked_at": statement.excluded.asked_at},
            where=PurchaseCheck.asked_at < statement.excluded.asked_at,
        )
    )


async def copy_answers_to_reviews(
    session: AsyncSession, *, user_id: uuid.UUID, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """The user's reviews of these products take the newest recorded answer and are no
    longer due for a recheck. Returns {product_id: verified} of those reviews."""
    newest = (
        select(PurchaseCheck.verified)
        .where(
            PurchaseCheck.user_id == Review.user_id,
            PurchaseCheck.product_id == Review.product_id,
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        update(Review)
        .where(
            Review.user_id == user_id,
            Review.product_id.in_(list(product_ids)),
            select(PurchaseCheck.verified)
            .where(
                PurchaseCheck.user_id == Review.user_id,
                PurchaseCheck.product_id == Review.product_id,
            )
            .exists(),
        )
        .values(verified_purchase=newest, verification_due_at=None)
        .returning(Review.product_id, Review.verified_purchase),
        execution_options={"synchronize_session": False},  # callers refresh what they hold
    )
    return {product_id: verified for product_id, verified in rows.all()}


_REFRESH_RATINGS = text(
    """
    UPDATE products p
       SET rating_count = s.n, rating_avg = s.average
      FROM (SELECT wanted.id,
                   count(r.id) AS n,
                   coalesce(round(avg(r.rating), 2), 0) AS average
              FROM unnest(CAST(:ids AS uuid[])) AS wanted(id)
              LEFT JOIN reviews r ON r.product_id = wanted.id AND r.verified_purchase
             GROUP BY wanted.id) s
     WHERE p.id = s.id
       AND (p.rating_count, p.rating_avg) IS DISTINCT FROM (s.n, s.average)
    """
)


async def refresh_ratings(session: AsyncSession, product_ids: Iterable[uuid.UUID]) -> None:
    """Recount rating_avg/rating_count from the verified reviews. Call with the products
    locked (`lock_products`), after the review changes are flushed."""
    ids = sorted(set(product_ids))
    if ids:
        await session.execute(_REFRESH_RATINGS, {"ids": ids})


async def apply_answers(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    answers: dict[uuid.UUID, bool],
    asked_at: datetime,
) -> dict[uuid.UUID, bool]:
    """Record answers asked at `asked_at` and bring the user's reviews and the products'
    ratings in line, under the products' locks. Returns {product_id: verified} of the
    user's reviews of these products."""
    products = await lock_products(session, answers)
    await record_answers(
        session,
        user_id=user_id,
        answers={p: answers[p] for p in products},
        asked_at=asked_at,
    )
    reviews = await copy_answers_to_reviews(session, user_id=user_id, product_ids=products)
    await refresh_ratings(session, reviews)
    return reviews


async def reverify(
    session: AsyncSession,
    identity: IdentityClient,
    *,
    user_id: uuid.UUID,
    product_ids: Sequence[uuid.UUID],
) -> Recheck:
    """Ask identity-commerce again about these products for this user (all answers first,
    then one write), e.g. after an order was refunded. Unknown products are skipped.
    Raises IdentityCannotAnswer with nothing written."""
    known = list(
        (
            await session.scalars(
                select(Product.id).where(Product.id.in_(sorted(set(product_ids))))
            )
        ).all()
    )
    if not known:
        return Recheck(rechecked=0, unverified=0)
    asked_at = await database_now(session)
    answers = await ask_many(identity, user_id=user_id, product_ids=known)
    reviews = await apply_answers(session, user_id=user_id, answers=answers, asked_at=asked_at)
    return Recheck(
        rechecked=len(reviews), unverified=sum(1 for verified in reviews.values() if not verified)
    )


# --- reviews identity-commerce could not answer for -------------------------------------


async def claim_due_reviews(
    session: AsyncSession, *, limit: int, retry_in: timedelta
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Take up to `limit` reviews due for a recheck, oldest due first, and push their due
    time by `retry_in` (commit this at once): another worker skips them, and if this one
    fails or dies they come back after `retry_in`. Returns (user_id, product_id) pairs."""
    due = (
        select(Review.id)
        .where(Review.verification_due_at <= func.clock_timestamp())
        .order_by(Review.verification_due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = await session.execute(
        update(Review)
        .where(Review.id.in_(due))
        .values(verification_due_at=func.clock_timestamp() + retry_in)
        .returning(Review.user_id, Review.product_id),
        execution_options={"synchronize_session": False},
    )
    return [(user_id, product_id) for user_id, product_id in rows.all()]
