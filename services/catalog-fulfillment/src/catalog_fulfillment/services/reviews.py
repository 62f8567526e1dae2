"""Reviews: one per user and product, with a verified-purchase flag from identity-commerce.

Only verified-purchase reviews count in a product's rating (`rating_avg`, `rating_count`);
the others are listed but not counted. How the flag and the ratings stay right when reviews,
refunds and rechecks happen at once: services/review_verification.py.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shopkit.errors import Conflict, NotFound
from shopkit.pages import newest_first, one_page
from shopkit.tokens import Principal
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.clients.identity import IdentityClient
from catalog_fulfillment.models import Product, Review
from catalog_fulfillment.models.catalog import PRODUCT_ACTIVE
from catalog_fulfillment.schemas.reviews import ReviewCreate
from catalog_fulfillment.services import review_verification as verification

log = logging.getLogger("catalog_fulfillment.reviews")


def _display_name(principal: Principal, given: str | None) -> str:
    if given:
        return given
    local = (principal.email or "").split("@")[0]
    first = local.replace("_", ".").replace("-", ".").split(".")[0]
    return first.capitalize() or "Customer"


async def _active_product(session: AsyncSession, product_id: uuid.UUID, *, lock: bool) -> Product:
    query = select(Product).where(Product.id == product_id, Product.status == PRODUCT_ACTIVE)
    if lock:
        query = query.with_for_update(key_share=True)
    product = (await session.scalars(query)).one_or_none()
    if product is None:
        raise NotFound("No such product")
    return product


async def create_review(
    session: AsyncSession,
    *,
    principal: Principal,
    data: ReviewCreate,
    identity: IdentityClient,
) -> Review:
    await _active_product(session, data.product_id, lock=False)
    user_id = principal.user_id
    if await _existing_review(session, data.product_id, user_id):
        raise Conflict("You have already reviewed this product")
    # Ask before taking the row lock: a slow identity-commerce must not block other reviews.
    # When it cannot answer, the review is still published (a shopper's text is not lost
    # because checkout is down), unverified and due for a recheck.
    asked_at = await verification.database_now(session)
    verified: bool | None
    try:
        verified = await verification.ask(identity, user_id=user_id, product_id=data.product_id)
    except verification.IdentityCannotAnswer as exc:
        log.warning("verified-purchase check failed, storing unverified: %s", exc)
        verified = None
    product = await _active_product(session, data.product_id, lock=True)
    review = Review(
        product_id=product.id,
        user_id=user_id,
        author_name=_display_name(principal, data.display_name),
        rating=data.rating,
        title=data.title,
        comment=data.comment,
        verified_purchase=False,
        verification_due_at=asked_at if verified is None else None,
    )
    session.add(review)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent second review by the same user
        raise Conflict("You have already reviewed this product") from exc
    if verified is None:
        return review  # unverified: the product's rating does not change
    # A recheck asked after this question (the order was refunded meanwhile) wins.
    await verification.apply_answers(
        session, user_id=user_id, answers={product.id: verified}, asked_at=asked_at
    )
    await session.refresh(review, ["verified_purchase", "verification_due_at"])
    return review


async def _existing_review(
    session: AsyncSession, product_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    found = await session.scalar(
        select(Review.id).where(Review.product_id == product_id, Review.user_id == user_id)
    )
    return found is not None


@dataclass(frozen=True)
class ReviewListing:
    items: list[Review]
    count: int  # every review of the product (the items are a page of these)
    rating_count: int  # verified-purchase reviews: what the average and histogram count
    average: float  # of the verified-purchase reviews; 0.0 without any
    histogram: dict[str, int]  # "1".."5" -> verified-purchase reviews with that rating


async def list_reviews(
    session: AsyncSession, *, product_id: uuid.UUID, page: int, page_size: int
) -> ReviewListing:
    await _active_product(session, product_id, lock=False)
    per_rating = (
        await session.execute(
            select(Review.rating, Review.verified_purchase, func.count())
            .where(Review.product_id == product_id)
            .group_by(Review.rating, Review.verified_purchase)
        )
    ).all()
    histogram = {str(star): 0 for star in range(1, 6)}
    count = 0
    for rating, verified, n in per_rating:
        count += n
        if verified:
            histogram[str(rating)] += n
    rating_count = sum(histogram.values())
    total = sum(int(star) * n for star, n in histogram.items())
    # Rounded like the product's rating_avg, so the two always agree.
    average = (
        float((Decimal(total) / rating_count).quantize(Decimal("0.01"), ROUND_HALF_UP))
        if rating_count
        else 0.0
    )
    newest = select(Review).where(Review.product_id == product_id).order_by(*newest_first(Review))
    items = (await session.scalars(one_page(newest, page, page_size))).all()
    return ReviewListing(list(items), count, rating_count, average, histogram)
