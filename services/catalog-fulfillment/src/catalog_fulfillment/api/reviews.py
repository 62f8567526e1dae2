"""Product reviews: public list with average/count/histogram; create with the user's JWT."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from shopkit.auth import CurrentUser
from shopkit.db import SessionDep

from catalog_fulfillment.api.responses import errors
from catalog_fulfillment.core.deps import IdentityDep
from catalog_fulfillment.schemas.reviews import ReviewCreate, ReviewOut, ReviewPage
from catalog_fulfillment.services import reviews

router = APIRouter(prefix="/reviews", tags=["reviews"])


@router.get(
    "/product/{product_id}",
    response_model=ReviewPage,
    summary="Reviews of a product, newest first, with average, count and histogram",
    responses=errors(404, not_found="No such product"),
)
async def product_reviews(
    product_id: uuid.UUID,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ReviewPage:
    items, count, average, histogram = await reviews.list_reviews(
        session, product_id=product_id, page=page, page_size=page_size
    )
    return ReviewPage(
        items=[ReviewOut.model_validate(r, from_attributes=True) for r in items],
        average=average,
        count=count,
        histogram=histogram,
        page=page,
        page_size=page_size,
    )


@router.post(
    "",
    response_model=ReviewOut,
    status_code=status.HTTP_201_CREATED,
    summary="Review a product (one review per user and product)",
    responses=errors(401, 403, 404, 409, not_found="No such product", conflict="Already reviewed"),
)
async def create_review(
    body: ReviewCreate, session: SessionDep, principal: CurrentUser, identity: IdentityDep
) -> ReviewOut:
    review = await reviews.create_review(session, principal=principal, data=body, identity=identity)
    return ReviewOut.model_validate(review, from_attributes=True)
