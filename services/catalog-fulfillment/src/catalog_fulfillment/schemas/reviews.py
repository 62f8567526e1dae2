"""Review bodies: create with the reviewer's JWT; list with the rating summary; reverify."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from shopkit.bodies import ClosedModel
from shopkit.fields import JsonInt

from catalog_fulfillment.schemas.common import trimmed_text


def _text(max_length: int) -> Any:
    return Annotated[str, *trimmed_text(max_length)]


class ReviewCreate(ClosedModel):
    product_id: uuid.UUID
    rating: JsonInt = Field(ge=1, le=5)  # 4 or 4.0; never "4" or true
    title: _text(200)  # type: ignore[valid-type]
    comment: _text(5000)  # type: ignore[valid-type]
    display_name: _text(60) | None = Field(  # type: ignore[valid-type]
        default=None, description="Name shown with the review; defaults to the email's first part"
    )


class ReviewOut(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    author_name: str
    rating: int
    title: str
    comment: str
    verified_purchase: bool
    created_at: datetime


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    average: float = Field(
        description="Average rating of the verified-purchase reviews (the product's rating_avg); "
        "0.0 when there are none"
    )
    rating_count: int = Field(
        description="Verified-purchase reviews: what average and histogram count "
        "(the product's rating_count)"
    )
    unverified_count: int = Field(
        description="Reviews shown without a verified purchase; they do not move the rating"
    )
    count: int = Field(description="All reviews of the product; items is a page of these")
    histogram: dict[str, int] = Field(
        description='"1".."5" -> verified-purchase reviews with that rating'
    )
    page: int
    page_size: int


class ReverifyRequest(ClosedModel):
    """Ask identity-commerce again whether this user bought these products (e.g. after a
    refund) and update the user's reviews of them and the products' ratings."""

    user_id: uuid.UUID
    product_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class ReverifyResult(BaseModel):
    rechecked: int = Field(description="The user's reviews of the given products")
    unverified: int = Field(description="Of those, how many are not verified purchases now")
