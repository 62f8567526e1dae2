"""Reviews: one per user and product, with a verified-purchase flag from identity-commerce.

The product row is locked while a review is added so that its denormalised rating
average and count (used to sort the catalog) stay exact under concurrent reviews.
"""

from __future__ import annotations

import logging
import uuid
from decimal import ROUND_HALF_UP, Decimal

from shopkit.errors import Conflict, NotFound
from shopkit.http import UpstreamUnavailable
from shopkit.tokens import Principal
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.clients.identity import IdentityClient, UnexpectedAnswer
from catalog_fulfillment.models import Product, Review
from catalog_fulfillment.models.catalog import PRODUCT_ACTIVE
from catalog_fulfillment.schemas.reviews import ReviewCreate

log = logging.getLogger("catalog_fulfillment.reviews")


async def is_verified_purchase(
    identity: IdentityClient, *, user_id: uuid.UUID, product_id: uuid.UUID
) -> bool:
    """Ask identity-commerce; when it can't answer, the review is stored as unverified
    rather than refused (docs/adr: reviews must not depend on checkout being up)."""
    try:
        return await identity.verified_purchase(user_id=user_id, product_id=product_id)
    except (UpstreamUnavailable, UnexpectedAnswer) as exc:
        log.warning("verified-purchase check failed, storing unverified: %s", exc)
        return False


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
    verified = await is_verified_purchase(identity, user_id=user_id, product_id=data.product_id)
    product = await _active_product(session, data.product_id, lock=True)
    review = Review(
        product_id=product.id,
        user_id=user_id,
        author_name=_display_name(principal, data.display_name),
        rating=data.rating,
        title=data.title,
        comment=data.comment,
        verified_purchase=verified,
    )
    session.add(review)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent second review by the same user
        raise Conflict("You have already reviewed this product") from exc
    count, average = (
        await session.execute(
            select(func.count(), func.coalesce(func.avg(Review.rating), 0)).where(
                Review.product_id == product.id
            )
        )
    ).one()
    product.rating_count = int(count)
    product.rating_avg = Decimal(average).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    await session.flush()
    return review


async def _existing_review(
    session: AsyncSession, product_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    found = await session.scalar(
        select(Review.id).where(Review.product_id == product_id, Review.user_id == user_id)
    )
    return found is not None


async def list_reviews(
    session: AsyncSession, *, product_id: uuid.UUID, page: int, page_size: int
) -> tuple[list[Review], int, float, dict[str, int]]:
    await _active_product(session, product_id, lock=False)
    per_rating = dict(
        (
            await session.execute(
                select(Review.rating, func.count())
                .where(Review.product_id == product_id)
                .group_by(Review.rating)
            )
        ).all()
    )
    histogram = {str(star): int(per_rating.get(star, 0)) for star in range(1, 6)}
    count = sum(histogram.values())
    average = (
        round(sum(int(star) * n for star, n in histogram.items()) / count, 2) if count else 0.0
    )
    items = (
        await session.scalars(
            select(Review)
            .where(Review.product_id == product_id)
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    return list(items), count, average, histogram
