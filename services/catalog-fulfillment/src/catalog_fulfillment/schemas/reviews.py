"""Review bodies: create with the reviewer's JWT; list with average, count and histogram."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from catalog_fulfillment.schemas.common import storable_text


def _text(max_length: int) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length),
        AfterValidator(storable_text),
    ]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID
    rating: int = Field(ge=1, le=5, strict=True)
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
    average: float  # 0.0 when there are no reviews
    count: int
    histogram: dict[str, int]  # "1".."5" -> number of reviews with that rating
    page: int
    page_size: int
