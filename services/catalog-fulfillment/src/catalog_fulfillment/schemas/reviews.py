"""Review bodies: create with the reviewer's JWT; list with average, count and histogram."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from shopkit.fields import JsonInt

from catalog_fulfillment.schemas.common import trimmed_text


def _text(max_length: int) -> Any:
    return Annotated[str, *trimmed_text(max_length)]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    average: float  # 0.0 when there are no reviews
    count: int
    histogram: dict[str, int]  # "1".."5" -> number of reviews with that rating
    page: int
    page_size: int
