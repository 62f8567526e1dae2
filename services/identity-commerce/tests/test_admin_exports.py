"""CSV exports of orders and customers: RFC 4180 that the csv module reads back to what was
stored, cells a spreadsheet would run as formulas prefixed with ', streamed in pages, and
bounded per account."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import httpx
from identity_commerce.api.admin_reports import EXPORT_PAGE, EXPORTS_PER_ACCOUNT
from identity_commerce.models import UserRole
from shopkit.csv_export import csv_lines, safe_cell
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import auth, make_user
from .sales_factories import make_order, refund

D = Decimal
HOSTILE_NAMES = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", 'Quote "me", ok']


def read_csv(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    text = answer.content.decode("utf-8")
    assert text.endswith("\r\n") and "\r\n" in text  # RFC 4180 line ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_formula_cells_are_prefixed_and_everything_else_is_kept() -> None:
    assert [safe_cell(v) for v in ["=1", "+1", "-1", "@a", "\tx", "\rx"]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
    ]
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(D("5")) == "5.00"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"
    line = csv_lines([["a,b", 'say "hi"', "two\nlines"]])
    assert line == '"a,b","say ""hi""","two\nlines"\r\n'
    assert next(csv.reader(io.StringIO(line, newline=""))) == ["a,b", 'say "hi"', "two\nlines"]


async def test_orders_csv_round_trips_the_range_and_escapes_formulas(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    placed = []
    for day, name in enumerate(HOSTILE_NAMES, start=1):
        buyer = await make_user(db_session, first_name=name, last_name="X")
        placed.append(
            await make_order(
                db_session,
                user=buyer,
                placed_at=datetime(2025, 4, day, 12, tzinfo=UTC),
                lines=[("SKU-A", "Mug", D("10.00"), day)],
                discount=D("1.00"),
                tax=D("0.72"),
            )
        )
    await refund(db_session, placed[0], D("3.00"), at=datetime(2025, 4, 2, tzinfo=UTC))
    await make_order(  # outside the range
        db_session,
        user=None,
        placed_at=datetime(2025, 4, 30, tzinfo=UTC),
        lines=[("S", "N", D("1.00"), 1)],
    )
    answer = await client.get(
        "/admin/exports/orders.csv",
        params={"from": "2025-04-01", "to": "2025-04-05"},
        headers=admin,
    )
    rows = read_csv(answer)
    assert [row["number"] for row in rows] == [o.number for o in placed]  # oldest first
    for quantity, (row, order, name) in enumerate(
        zip(rows, placed, HOSTILE_NAMES, strict=True), start=1
    ):
        expected_name = f"{name} X"
        if expected_name[0] in "=+-@":
            expected_name = "'" + expected_name
        assert row["customer_name"] == expected_name
        assert D(row["total"]) == order.total
        assert D(row["discount"]) == D("1.00")
        assert int(row["items"]) == quantity
        assert row["status"] == "paid" and row["guest"] == "false"
    assert rows[0]["refunded"] == "3.00" and rows[1]["refunded"] == "0.00"


async def test_customers_csv_pages_through_every_account(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin_user = await make_user(db_session, role=UserRole.admin)
    wanted = EXPORT_PAGE + 3  # more than one page
    made = [
        await make_user(db_session, first_name=f"=cmd{n}", last_name="Y") for n in range(wanted)
    ]
    rows = read_csv(
        await client.get("/admin/exports/customers.csv", headers=auth(tokens, admin_user))
    )
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == len(rows)  # no account twice across pages
    for user in made:
        row = by_id[str(user.id)]
        assert row["email"] == user.email
        assert row["first_name"] == "'" + user.first_name
        assert row["order_count"] == "0" and row["total_spent"] == "0.00"
    assert by_id[str(admin_user.id)]["role"] == "admin"


async def test_exports_are_limited_per_account(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    admin = auth(tokens, await make_user(db_session, role=UserRole.admin))
    for _ in range(EXPORTS_PER_ACCOUNT):
        answer = await client.get("/admin/exports/orders.csv", headers=admin)
        assert answer.status_code == 200
    refused = await client.get("/admin/exports/customers.csv", headers=admin)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_exports"
    assert int(refused.headers["retry-after"]) > 0
