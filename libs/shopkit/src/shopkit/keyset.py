"""A whole table read a page at a time by a unique key (keyset pagination), for exports.

Each page asks for the rows whose key comes after the last row of the page before
(`WHERE (created_at, id) > (:created_at, :id) ORDER BY created_at, id LIMIT n`): one range
read on the key's index however far the reader has got, where an OFFSET would read and
drop every row before it again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Row, Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

Columns = TypeVarTuple("Columns")


async def keyset_pages(
    session: AsyncSession,
    query: Select[*Columns],
    key: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    key_of: Callable[[Row[*Columns]], tuple[Any, ...]],
    *,
    page_size: int,
) -> AsyncIterator[Sequence[Row[*Columns]]]:
    """The rows of `query` in `key` order, `page_size` at a time, until none are left.
    `key` must be unique (add the id to a timestamp); `key_of` gives its values in a row
    (`lambda row: (row[0].created_at, row[0].id)`)."""
    after: tuple[Any, ...] | None = None
    while True:
        page = query.order_by(*key).limit(page_size)
        if after is not None:
            page = page.where(tuple_(*key) > after)
        rows = (await session.execute(page)).all()
        if not rows:
            return
        yield rows
        after = key_of(rows[-1])
