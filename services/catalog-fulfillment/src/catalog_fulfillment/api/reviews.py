"""Product reviews: public list with the rating summary; create with the user's JWT;
reverify (service token) when a purchase may no longer count, e.g. after a refund."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status
from shopkit.auth import CurrentUser, account_email_verified, scoped
from shopkit.db import SessionDep
from shopkit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    behind_token,
    error_responses,
)
from shopkit.scopes import REVIEWS_WRITE
from shopkit.tokens import Principal

from catalog_fulfillment.api.deps import IdentityDep, Paging
from catalog_fulfillment.schemas.reviews import (
    ReverifyRequest,
    ReverifyResult,
    ReviewCreate,
    ReviewOut,
    ReviewPage,
)
from catalog_fulfillment.services import review_verification, reviews

router = APIRouter(prefix="/reviews", tags=["reviews"])

ReviewVerifier = Annotated[Principal, scoped(REVIEWS_WRITE)]


@router.get(
    "/product/{product_id}",
    response_model=ReviewPage,
    summary="Reviews of a product, newest first, with the rating of its verified purchases",
    description="Every review is listed; average, rating_count and histogram count only "
    "verified-purchase reviews, like the product's rating_avg and rating_count.",
    responses=error_responses(NotFound.documented("No such product")),
)
async def product_reviews(
    product_id: uuid.UUID,
    session: SessionDep,
    paging: Paging,
) -> ReviewPage:
    listing = await reviews.list_reviews(
        session, product_id=product_id, page=paging.page, page_size=paging.page_size
    )
    return ReviewPage(
        items=[ReviewOut.model_validate(r, from_attributes=True) for r in listing.items],
        average=listing.average,
        rating_count=listing.rating_count,
        unverified_count=listing.count - listing.rating_count,
        count=listing.count,
        histogram=listing.histogram,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.post(
    "",
    response_model=ReviewOut,
    status_code=status.HTTP_201_CREATED,
    summary="Review a product (one review per user and product)",
    description="Only accounts whose email is verified may review (403 otherwise): "
    "identity-commerce says so in the account status it is asked for on every request "
    "with a user token, so a verification counts on the very next request.",
    responses=behind_token(
        NotFound.documented("No such product"),
        Conflict.documented("Already reviewed"),
        forbidden=Forbidden.documented(
            "The account's email is not verified yet (`code`: `email_not_verified`)"
        ),
    ),
)
async def create_review(
    body: ReviewCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentUser,
    identity: IdentityDep,
) -> ReviewOut:
    if not account_email_verified(request):
        raise Forbidden(
            "Confirm your email address before writing a review (see the link we emailed you)",
            code="email_not_verified",
        )
    review = await reviews.create_review(session, principal=principal, data=body, identity=identity)
    return ReviewOut.model_validate(review, from_attributes=True)


@router.post(
    "/reverify",
    response_model=ReverifyResult,
    summary="Ask identity-commerce again whether a user bought these products (services only)",
    description="For each known product (1 to 100 ids; unknown ids are skipped) the "
    "verified-purchase question is asked again; the user's reviews take the answers and the "
    "products' ratings are recounted. All answers are gathered before anything is written: "
    "when identity-commerce cannot answer, 503 with Retry-After and nothing changes. "
    "Idempotent: calling again gives the same result.",
    responses=behind_token(ServiceUnavailable),
)
async def reverify(
    body: ReverifyRequest, session: SessionDep, _: ReviewVerifier, identity: IdentityDep
) -> ReverifyResult:
    try:
        result = await review_verification.reverify(
            session, identity, user_id=body.user_id, product_ids=body.product_ids
        )
    except review_verification.IdentityCannotAnswer as exc:
        raise ServiceUnavailable(
            "identity-commerce cannot confirm purchases right now; nothing was changed"
        ) from exc
    return ReverifyResult(rechecked=result.rechecked, unverified=result.unverified)
