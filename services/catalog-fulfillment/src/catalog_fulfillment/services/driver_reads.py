"""Run the hottest read statements on the driver, past SQLAlchemy's execution layer.

Measured here (docs/performance.md): one `select(...)` through SQLAlchemy's async Core
costs about 0.38 ms of CPU, the same statement on psycopg directly 0.07 ms; SQLAlchemy's
share is greenlet hops, result processing and the statement cache lookup. For the few
statements every uncached listing page and every store search runs, that is most of the
request. They are still written with SQLAlchemy (typed, composable, one place for the
schema); this module compiles each once and sends the SQL with psycopg.

Listeners of `before_cursor_execute` are called as SQLAlchemy would (SQL counters, the
EXPLAIN tools, the query-plan tests). Only for statements built once and kept (module
constants, lru-cached builders): the compiled text is remembered per statement object.
Values are passed as the driver takes them (uuid.UUID, Decimal, lists for arrays); no
SQLAlchemy type processing runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Compiled
from sqlalchemy.ext.asyncio import AsyncSession

# statement -> (SQL text, values of the constants it binds)
_compiled: dict[Executable, tuple[str, dict[str, Any]]] = {}


async def fetch_all(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(column names, rows) of `statement` on the session's connection (and transaction)."""
    connection = await session.connection()
    compiled = _compiled.get(statement)
    if compiled is None:
        done: Compiled = statement.compile(dialect=connection.dialect)  # type: ignore[attr-defined]
        compiled = _compiled[statement] = (done.string, dict(done.params))
    sql, constants = compiled
    values = {**constants, **params}
    # Statement listeners (SQL counters, the EXPLAIN tools and tests) see it as usual.
    sync_connection = connection.sync_connection
    if sync_connection is not None and sync_connection.dispatch.before_cursor_execute:
        sync_connection.dispatch.before_cursor_execute(
            sync_connection, None, sql, values, None, False
        )
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None  # a checked-out connection
    async with raw.cursor() as cursor:
        await cursor.execute(sql, values)
        rows = await cursor.fetchall()
        names = [column.name for column in cursor.description or ()]
    return names, rows
