"""Staff permissions on catalog-fulfillment's back-office routes (docs/permissions.md) and
the products CSV export (RFC 4180 round trip, formula cells prefixed, paged by sku)."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest
from catalog_fulfillment.api.exports import EXPORT_PAGE
from shopkit.testing.permissions import (
    BackOfficeRoute,
    assert_admin_reach_all_and_others_none,
    assert_staff_reach_only,
)
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_category, make_product, unique

PERMISSIONS = ("orders", "catalog", "customers", "reports")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def routes() -> list[BackOfficeRoute]:
    """(method, path, body, permission): every back-office route of this service."""
    product = uuid.uuid4()
    return [
        ("GET", "/admin/products", None, "catalog"),
        ("GET", f"/admin/products/{product}", None, "catalog"),
        ("POST", "/admin/categories", {"name": unique("Staff")}, "catalog"),
        ("PUT", f"/admin/products/{product}", {"name": "Renamed"}, "catalog"),
        ("POST", f"/admin/products/{product}/archive", None, "catalog"),
        ("GET", "/admin/inventory", None, "catalog"),
        ("PUT", "/admin/inventory/NO-SUCH-SKU", {"on_hand": 1}, "catalog"),
        ("GET", "/admin/exports/products.csv", None, "catalog"),
        ("GET", "/inventory/NO-SUCH-SKU", None, "catalog"),
        ("POST", f"/fulfillments/{uuid.uuid4()}/status", {"status": "in_transit"}, "orders"),
    ]


# Past the permission check: made-up ids answer 404.
PASSED = (200, 201, 404)


@pytest.mark.parametrize("permission", PERMISSIONS)
async def test_staff_reach_only_their_permissions_routes(
    client: httpx.AsyncClient, tokens: TokenFactory, permission: str
) -> None:
    staff = bearer(tokens.staff(permission))
    await assert_staff_reach_only(client, routes(), staff, permission, passed=PASSED)


async def test_admins_reach_every_route_and_customers_and_bare_staff_none(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    others = [bearer(tokens.customer()), bearer(tokens.staff())]
    await assert_admin_reach_all_and_others_none(
        client, routes(), bearer(tokens.admin()), others, passed=PASSED
    )


async def test_staff_with_catalog_see_exact_stock_and_others_levels(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    sku = unique("EXACT")
    product = await make_product(db_session, stock={sku: 7})
    path = f"/catalog/products/{product.id}"
    catalog_staff = await client.get(path, headers=bearer(tokens.staff("catalog")))
    orders_staff = await client.get(path, headers=bearer(tokens.staff("orders")))
    assert catalog_staff.json()["variants"][0]["available"] == 7
    assert orders_staff.json()["variants"][0]["available"] is None


def read_csv(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode()
    assert text.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_products_csv_round_trips_and_escapes_formulas(
    client: httpx.AsyncClient, db_session: AsyncSession, tokens: TokenFactory
) -> None:
    category = await make_category(db_session, name="@Kitchen")
    names = ['=cmd|"/c calc"!A1', "-Sale-", 'Mug, "large"\nwith a line break']
    made = []
    for name in names:
        sku = unique("CSV")
        made.append(
            (
                sku,
                name,
                await make_product(
                    db_session,
                    name=name,
                    category=category,
                    stock={sku: 4},
                    prices={sku: "12.50"},
                ),
            )
        )
    filler = [unique("FILL") for _ in range(EXPORT_PAGE + 1)]  # more than one page
    await make_product(db_session, stock=dict.fromkeys(filler, 1))
    rows = read_csv(
        await client.get("/admin/exports/products.csv", headers=bearer(tokens.staff("catalog")))
    )
    by_sku = {row["sku"]: row for row in rows}
    assert len(by_sku) == len(rows)  # no sku twice across pages
    assert set(filler) <= set(by_sku)
    assert [row["sku"] for row in rows] == sorted(row["sku"] for row in rows)
    for sku, name, product in made:
        row = by_sku[sku]
        shown = "'" + name if name[0] in "=+-@" else name
        assert row["product_name"] == shown
        assert row["category"] == "'@Kitchen"
        assert row["price"] == "12.50"
        assert (row["on_hand"], row["reserved"], row["available"]) == ("4", "0", "4")
        assert row["product_id"] == str(product.id)
