"""Pages of a list: the query parameters every list route takes and the body it answers.

A route declares its paging as one Annotated dependency and answers a `Page[T]`:

    @router.get("/orders")
    async def my_orders(paging: Paging, ...) -> OrderPage:
        rows, total = await list_orders(..., page=paging.page, page_size=paging.page_size)
        return OrderPage.of([OrderSummary.of(row) for row in rows], total, paging)

    class OrderPage(Page[OrderSummary]):  # a named subclass keeps the OpenAPI schema name
        pass

Two ways through a long list, both bounded, so no client can ask a service for a million
rows or an unbounded OFFSET scan:

- by number (`page`, `page_size`): an OFFSET, for lists people page through by hand;
- by cursor (`CursorPage`): `next_cursor` names the row after the last one shown, so the
  next page is read through an index however deep it is. What a cursor holds is the
  service's business; a route that takes one keeps `page` for the first pages and for
  orders a cursor cannot follow (a relevance ranking).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import GenerativeSelect

T = TypeVar("T")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Deepest page by number. An OFFSET reads and drops every row before the page, so a service
# with large lists stops earlier (`PageParams.query(max_page=...)`) and offers cursors.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class PageParams:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @classmethod
    def query(
        cls, *, default_size: int = DEFAULT_PAGE_SIZE, max_page: int = MAX_PAGE
    ) -> Callable[..., Awaitable["PageParams"]]:
        """The dependency reading `page` and `page_size` from the query string (422 when out
        of range), for `Annotated[PageParams, Depends(PageParams.query(...))]`."""

        async def page_params(
            page: Annotated[int, Query(ge=1, le=max_page)] = 1,
            page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = default_size,
        ) -> "PageParams":
            return cls(page=page, page_size=page_size)

        return page_params


# The usual paging: 20 a page, up to 100.
Paging = Annotated[PageParams, Depends(PageParams.query())]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @classmethod
    def of(cls, items: Sequence[T], total: int, paging: PageParams) -> Self:
        return cls(items=list(items), total=total, page=paging.page, page_size=paging.page_size)


class CursorPage(Page[T], Generic[T]):
    # Pass back as `cursor` (same filters and sort) for the next page; null on the last
    # page and for orders that page by number only.
    next_cursor: str | None = None


# --- reading a page by number from the database ---------------------------------------------
SelectT = TypeVar("SelectT", bound=GenerativeSelect)


def one_page(query: SelectT, page: int, page_size: int) -> SelectT:
    """`query` cut to page `page` (counted from 1) of `page_size` rows: LIMIT and OFFSET.
    The query's ORDER BY must name a unique key last, or rows can show on two pages."""
    return query.limit(page_size).offset((page - 1) * page_size)


def newest_first(model: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """ORDER BY for "newest first": `created_at` descending, then the id, so that rows
    created at the same instant keep one order and no row shows on two pages, or on none."""
    return model.created_at.desc(), model.id.desc()


async def count_rows(session: AsyncSession, model: Any, *where: ColumnElement[bool]) -> int:
    """How many rows of `model` match `where`: the `total` of a page."""
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
