"""Keyset pages: every row once, in key order, however the pages fall."""

from __future__ import annotations

from shopkit.db import Database
from shopkit.keyset import keyset_pages
from sqlalchemy import select

from .conftest import Thing


async def test_every_row_comes_once_in_key_order_a_page_at_a_time(database: Database) -> None:
    names = ["e", "a", "d", "b", "c", "a"]  # a repeated name: the id keeps the key unique
    async with database.sessionmaker() as session:
        session.add_all(Thing(name=name) for name in names)
        await session.commit()
        key = (Thing.name, Thing.id)
        pages = [
            [(thing.name, thing.id) for (thing,) in rows]
            async for rows in keyset_pages(
                session, select(Thing), key, lambda row: (row[0].name, row[0].id), page_size=2
            )
        ]
    assert [len(page) for page in pages] == [2, 2, 2]
    read = [entry for page in pages for entry in page]
    assert read == sorted(read)
    assert sorted(name for name, _ in read) == sorted(names)


async def test_a_single_column_key_and_a_filtered_query(database: Database) -> None:
    async with database.sessionmaker() as session:
        session.add_all(Thing(name=name) for name in ["x3", "x1", "y1", "x2"])
        await session.commit()
        query = select(Thing.name).where(Thing.name.startswith("x"))
        pages = [
            [name for (name,) in rows]
            async for rows in keyset_pages(
                session, query, (Thing.name,), lambda row: (row[0],), page_size=2
            )
        ]
    assert pages == [["x1", "x2"], ["x3"]]
