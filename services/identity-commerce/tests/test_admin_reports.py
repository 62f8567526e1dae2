"""Sales reports: totals equal the seeded orders (a discount and a refund across two days,
cut in the shop's time zone), best sellers and best customers, range rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from identity_commerce.models import UserRole
from shopkit.testing.tokens import TokenFactory
from sqlalchemy.ext.asyncio import AsyncSession

from .account_factories import auth, make_user
from .sales_factories import make_order, refund

D = Decimal
SHOP_ZONE = "America/New_York"  # UTC-4 in March 2025 (daylight time from March 9)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(UTC)


@pytest.fixture
async def admin(db_session: AsyncSession, tokens: TokenFactory) -> dict[str, str]:
    return auth(tokens, await make_user(db_session, role=UserRole.admin))


@pytest.fixture
def new_york(app: FastAPI) -> None:
    app.state.settings = app.state.settings.model_copy(update={"shop_time_zone": SHOP_ZONE})


async def seed_two_days(session: AsyncSession) -> dict[str, Any]:
    alice = await make_user(session, first_name="Alice", last_name="Buyer")
    bob = await make_user(session, first_name="Bob", last_name="Buyer")
    a = await make_order(  # day 1, 10:00 in New York: a discount
        session,
        user=alice,
        placed_at=at("2025-03-10T10:00:00-04:00"),
        lines=[("SKU-A", "Mug", D("10.00"), 2)],
        shipping=D("5.00"),
        tax=D("1.60"),
        discount=D("2.00"),
    )
    b = await make_order(  # day 1, 22:30 in New York: already March 11 in UTC
        session,
        user=bob,
        placed_at=at("2025-03-10T22:30:00-04:00"),
        lines=[("SKU-B", "Lamp", D("30.00"), 1)],
        tax=D("2.40"),
    )
    c = await make_order(  # day 2: another discount
        session,
        user=alice,
        placed_at=at("2025-03-11T12:00:00-04:00"),
        lines=[("SKU-A", "Mug", D("10.00"), 1), ("SKU-B", "Lamp", D("30.00"), 1)],
        tax=D("3.20"),
        discount=D("4.00"),
    )
    await refund(session, a, D("10.80"), at=at("2025-03-11T15:00:00-04:00"))  # day 2
    # Not sales of the range: unpaid, a failed refund, and a paid order and refund of day 3.
    await make_order(
        session,
        user=bob,
        placed_at=at("2025-03-11T13:00:00-04:00"),
        lines=[("SKU-A", "Mug", D("10.00"), 9)],
        paid=False,
    )
    await refund(session, c, D("1.00"), at=at("2025-03-11T16:00:00-04:00"), status="failed")
    e = await make_order(
        session,
        user=bob,
        placed_at=at("2025-03-12T10:00:00-04:00"),
        lines=[("SKU-B", "Lamp", D("30.00"), 5)],
    )
    await refund(session, e, D("5.00"), at=at("2025-03-12T11:00:00-04:00"))
    return {"alice": alice, "bob": bob, "day1": [a, b], "day2": [c], "refunds": D("10.80")}


def money(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: body[name] if name == "orders" else D(body[name]) for name in names}


FIGURES = ("orders", "gross", "discounts", "refunds", "net", "average_order_value")


async def test_report_totals_equal_the_seeded_orders_with_a_discount_and_a_refund(
    client: httpx.AsyncClient, db_session: AsyncSession, admin: dict[str, str], new_york: None
) -> None:
    seeded = await seed_two_days(db_session)
    answer = await client.get(
        "/admin/reports/sales",
        params={"from": "2025-03-10", "to": "2025-03-11", "interval": "day"},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["time_zone"] == SHOP_ZONE
    assert [b["start"] for b in report["buckets"]] == ["2025-03-10", "2025-03-11"]

    def expected(orders: list[Any], refunds: Decimal) -> dict[str, Any]:
        gross = sum((o.subtotal + o.shipping + o.tax for o in orders), D(0))
        discounts = sum((o.discount for o in orders), D(0))
        paid = sum((o.total for o in orders), D(0))
        return {
            "orders": len(orders),
            "gross": gross,
            "discounts": discounts,
            "refunds": refunds,
            "net": gross - discounts - refunds,
            "average_order_value": (paid / len(orders)).quantize(D("0.01"), "ROUND_HALF_UP"),
        }

    day1, day2 = report["buckets"]
    assert money(day1, *FIGURES) == expected(seeded["day1"], D(0))
    assert money(day2, *FIGURES) == expected(seeded["day2"], seeded["refunds"])
    assert money(report["totals"], *FIGURES) == expected(
        seeded["day1"] + seeded["day2"], seeded["refunds"]
    )
    # The same figures written out: 102.20 gross, 6.00 off, 10.80 back, 96.20 / 3 paid.
    assert money(report["totals"], *FIGURES) == {
        "orders": 3,
        "gross": D("102.20"),
        "discounts": D("6.00"),
        "refunds": D("10.80"),
        "net": D("85.40"),
        "average_order_value": D("32.07"),
    }


async def test_days_are_cut_in_the_shops_time_zone(
    client: httpx.AsyncClient, db_session: AsyncSession, admin: dict[str, str]
) -> None:
    await seed_two_days(db_session)
    params = {"from": "2025-03-10", "to": "2025-03-11"}
    in_utc = (await client.get("/admin/reports/sales", params=params, headers=admin)).json()
    # In UTC the 22:30 New York order falls on March 11.
    assert [b["orders"] for b in in_utc["buckets"]] == [1, 2]
    assert in_utc["time_zone"] == "UTC"


async def test_weeks_and_months_hold_the_same_totals(
    client: httpx.AsyncClient, db_session: AsyncSession, admin: dict[str, str], new_york: None
) -> None:
    await seed_two_days(db_session)
    for interval, start in (("week", "2025-03-10"), ("month", "2025-03-01")):
        report = (
            await client.get(
                "/admin/reports/sales",
                params={"from": "2025-03-10", "to": "2025-03-11", "interval": interval},
                headers=admin,
            )
        ).json()
        assert [b["start"] for b in report["buckets"]] == [start], interval
        assert report["buckets"][0]["net"] == report["totals"]["net"] == "85.40"


async def test_empty_days_are_listed_with_zeros(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    report = (
        await client.get(
            "/admin/reports/sales", params={"from": "2024-01-01", "to": "2024-01-03"}, headers=admin
        )
    ).json()
    assert len(report["buckets"]) == 3
    assert all(b["orders"] == 0 and b["net"] == "0.00" for b in report["buckets"])


async def test_top_products_and_customers_of_a_range(
    client: httpx.AsyncClient, db_session: AsyncSession, admin: dict[str, str], new_york: None
) -> None:
    seeded = await seed_two_days(db_session)
    params = {"from": "2025-03-10", "to": "2025-03-11"}
    products = (
        await client.get("/admin/reports/top-products", params=params, headers=admin)
    ).json()
    assert products == [
        {"sku": "SKU-B", "name": "Lamp", "units": 2, "orders": 2, "revenue": "60.00"},
        {"sku": "SKU-A", "name": "Mug", "units": 3, "orders": 2, "revenue": "30.00"},
    ]
    limited = await client.get(
        "/admin/reports/top-products", params={**params, "limit": 1}, headers=admin
    )
    assert [p["sku"] for p in limited.json()] == ["SKU-B"]
    customers = (
        await client.get("/admin/reports/top-customers", params=params, headers=admin)
    ).json()
    # Alice: 24.60 - 10.80 refunded + 39.20; Bob: 32.40.
    assert [(c["user_id"], c["orders"], c["spent"]) for c in customers] == [
        (str(seeded["alice"].id), 2, "53.00"),
        (str(seeded["bob"].id), 1, "32.40"),
    ]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2025-03-12", "to": "2025-03-11"}, "range_reversed"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "range_too_long"),
    ],
)
async def test_a_bad_range_is_a_400_with_its_code(
    client: httpx.AsyncClient, admin: dict[str, str], params: dict[str, str], code: str
) -> None:
    answer = await client.get("/admin/reports/sales", params=params, headers=admin)
    assert answer.status_code == 400
    assert answer.json()["code"] == code


async def test_an_unknown_interval_is_a_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    answer = await client.get("/admin/reports/sales", params={"interval": "year"}, headers=admin)
    assert answer.status_code == 422
