"""CSV exports: RFC 4180 text streamed row by row, safe to open in a spreadsheet.

- RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled
  (the csv module's defaults), a header row first, UTF-8.
- Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell that begins with
  `=`, `+`, `-` or `@` (and, in some, a tab or carriage return) as a formula, so a customer
  named `=HYPERLINK(...)` would run in the shop owner's spreadsheet. Every such text cell is
  prefixed with `'`, which spreadsheets show as text. Numbers and dates the service writes
  itself are not text from users and never start with those characters (amounts are never
  negative here), so they are written as they are.
- Streamed: the rows come from an async iterator (a service reads them in pages), and each
  page leaves as one chunk, so an export of a million rows holds one page in memory. The
  first page is read before the response starts, so a database that is down answers a
  proper error status instead of a 200 cut short after the header row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi.responses import StreamingResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# What OpenAPI says these routes answer with (the body is not JSON).
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "RFC 4180 CSV, a header row first; streamed",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def safe_cell(value: Any) -> str:
    """One cell as text: None empty, money with two decimals, datetimes in ISO 8601, and
    text that a spreadsheet would run as a formula prefixed with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """`rows` as RFC 4180 text (CRLF after every row, the last one too)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


async def csv_chunks(
    header: Sequence[str],
    first: Sequence[Sequence[Any]],
    rest: AsyncIterator[Sequence[Sequence[Any]]],
) -> AsyncIterator[bytes]:
    """The header and the first page, then one chunk per further page of rows."""
    try:
        yield csv_lines([header, *first]).encode()
        async for page in rest:
            if page:
                yield csv_lines(page).encode()
    finally:  # a client that goes away mid-download: the reader's session closes now
        close = getattr(rest, "aclose", None)
        if close is not None:
            await close()


async def csv_response(
    filename: str, header: Sequence[str], pages: AsyncIterable[Sequence[Sequence[Any]]]
) -> StreamingResponse:
    """A streamed CSV download named `filename` (its first page already read)."""
    rest = aiter(pages)
    first: Sequence[Sequence[Any]] = await anext(rest, [])
    return StreamingResponse(
        csv_chunks(header, first, rest),
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # customer data: never kept by a shared cache
        },
    )
