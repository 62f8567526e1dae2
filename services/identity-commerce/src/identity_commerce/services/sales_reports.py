"""Sales reports and the customer figures of the back office, computed in SQL.

What counts, decided once here and used by every report, the customer list and the exports:

- A sale is an order that was paid at some point: its timeline holds `paid`. Orders that
  never were (pending, failed, expired, cancelled unpaid) are not sales; a paid order that
  was later cancelled or refunded still is, and its refund shows under refunds.
- An order belongs to the day (week, month) it was placed, in the shop's time zone
  (SHOP_TIME_ZONE); a refund to the day it was made. So a refund made today of last week's
  order lowers today's net, as in a till.
- gross = what the orders would have cost without discounts (subtotal + shipping + tax);
  discounts = the orders' discounts; refunds = the refund records (`payment_refunds`, one per
  Stripe refund, whole or partial, except failed or cancelled ones); net = gross - discounts -
  refunds; average order value = (gross - discounts) / orders, rounded half-up to cents.
  Refund records exist for every refund today; should partial refunds keep another record,
  this module is the one place to count it.

The date range is whole days in the shop's time zone, `from` and `to` both included; it is
bounded (MAX_RANGE_DAYS), so no request can ask for an unbounded scan or series.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from shopkit.errors import BadRequest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

Interval = Literal["day", "week", "month"]
STEPS: dict[str, str] = {"day": "1 day", "week": "1 week", "month": "1 month"}
MAX_RANGE_DAYS = 732  # two years of days: at most 732 buckets, one index range scan
DEFAULT_RANGE_DAYS = 30
# Refund records that gave no money back.
UNSUCCESSFUL_REFUNDS = ("failed", "canceled")

# The one definition of a sale (see the module docstring); `o` is the orders row.
WAS_PAID = (
    "EXISTS (SELECT 1 FROM order_status_changes paid "
    "WHERE paid.order_id = o.id AND paid.status = 'paid')"
)
# The range, as instants: midnight of `start_day` to midnight after `end_day`, shop time.
IN_RANGE = (
    "{column} >= (CAST(:start_day AS timestamp) AT TIME ZONE CAST(:tz AS text)) "
    "AND {column} < (CAST(:end_after AS timestamp) AT TIME ZONE CAST(:tz AS text))"
)


class RangeInvalid(BadRequest):
    description = "`from` is after `to`, or the range is longer than two years"


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date  # included

    def params(self, time_zone: str) -> dict[str, object]:
        return {
            "start_day": datetime.combine(self.start, datetime.min.time()),
            "end_after": datetime.combine(self.end + timedelta(days=1), datetime.min.time()),
            "tz": time_zone,
        }


def day_range(start: date | None, end: date | None, *, today: date) -> DayRange:
    """The asked range; by default the last DEFAULT_RANGE_DAYS days up to today."""
    end = end or today
    start = start or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start > end:
        raise RangeInvalid("`from` must not be after `to`", code="range_reversed")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise RangeInvalid(f"The range is at most {MAX_RANGE_DAYS} days", code="range_too_long")
    return DayRange(start, end)


@dataclass(frozen=True)
class SalesBucket:
    start: date
    orders: int
    gross: Decimal
    discounts: Decimal
    refunds: Decimal
    net: Decimal
    average_order_value: Decimal


SALES_SQL = f"""
WITH buckets AS (
    SELECT generate_series(
        date_trunc(CAST(:interval AS text), CAST(:start_day AS timestamp)),
        CAST(:end_after AS timestamp) - interval '1 microsecond',
        CAST(:step AS interval)
    ) AS bucket
),
sales AS (
    SELECT date_trunc(CAST(:interval AS text), o.created_at AT TIME ZONE CAST(:tz AS text))
               AS bucket,
           count(*) AS orders,
           sum(o.total + o.discount) AS gross,
           sum(o.discount) AS discounts,
           sum(o.total) AS paid
    FROM orders o
    WHERE {IN_RANGE.format(column="o.created_at")} AND {WAS_PAID}
    GROUP BY 1
),
refunds AS (
    SELECT date_trunc(CAST(:interval AS text), r.created_at AT TIME ZONE CAST(:tz AS text))
               AS bucket,
           sum(r.amount) AS refunds
    FROM payment_refunds r
    WHERE {IN_RANGE.format(column="r.created_at")}
      AND r.status NOT IN ('failed', 'canceled')
    GROUP BY 1
)
SELECT b.bucket::date AS start,
       coalesce(s.orders, 0) AS orders,
       coalesce(s.gross, 0) AS gross,
       coalesce(s.discounts, 0) AS discounts,
       coalesce(f.refunds, 0) AS refunds,
       coalesce(s.gross, 0) - coalesce(s.discounts, 0) - coalesce(f.refunds, 0) AS net,
       coalesce(round(s.paid / nullif(s.orders, 0), 2), 0) AS average_order_value
FROM buckets b
LEFT JOIN sales s ON s.bucket = b.bucket
LEFT JOIN refunds f ON f.bucket = b.bucket
ORDER BY b.bucket
"""  # noqa: S608 - constant fragments; every value is a bound parameter


async def sales_by_bucket(
    session: AsyncSession, *, days: DayRange, interval: Interval, time_zone: str
) -> list[SalesBucket]:
    """One bucket per day, week (from Monday) or month touching the range; the first week
    or month may start before `from`, but only the range's orders and refunds count."""
    params = {**days.params(time_zone), "interval": interval, "step": STEPS[interval]}
    rows = (await session.execute(text(SALES_SQL), params)).mappings()
    return [SalesBucket(**row) for row in rows]


@dataclass(frozen=True)
class TopProduct:
    sku: str
    name: str
    units: int
    orders: int
    revenue: Decimal


TOP_PRODUCTS_SQL = f"""
SELECT i.sku,
       (array_agg(i.name ORDER BY o.created_at DESC))[1] AS name,
       sum(i.quantity) AS units,
       count(DISTINCT o.id) AS orders,
       sum(i.line_total) AS revenue
FROM order_items i
JOIN orders o ON o.id = i.order_id
WHERE {IN_RANGE.format(column="o.created_at")} AND {WAS_PAID}
GROUP BY i.sku
ORDER BY revenue DESC, units DESC, i.sku
LIMIT :limit
"""  # noqa: S608 - constant fragments; every value is a bound parameter


async def top_products(
    session: AsyncSession, *, days: DayRange, limit: int, time_zone: str
) -> list[TopProduct]:
    """Best sellers by revenue (line totals at the price paid, before order discounts),
    named as on their latest order."""
    params = {**days.params(time_zone), "limit": limit}
    rows = (await session.execute(text(TOP_PRODUCTS_SQL), params)).mappings()
    return [TopProduct(**row) for row in rows]


@dataclass(frozen=True)
class TopCustomer:
    user_id: uuid.UUID
    email: str
    name: str
    orders: int
    spent: Decimal


TOP_CUSTOMERS_SQL = f"""
SELECT o.user_id,
       u.email,
       btrim(u.first_name || ' ' || u.last_name) AS name,
       count(*) AS orders,
       sum(o.total - coalesce(p.refunded_amount, 0)) AS spent
FROM orders o
JOIN users u ON u.id = o.user_id
LEFT JOIN payments p ON p.order_id = o.id
WHERE {IN_RANGE.format(column="o.created_at")} AND {WAS_PAID}
GROUP BY o.user_id, u.email, u.first_name, u.last_name
ORDER BY spent DESC, orders DESC, u.email
LIMIT :limit
"""  # noqa: S608 - constant fragments; every value is a bound parameter


async def top_customers(
    session: AsyncSession, *, days: DayRange, limit: int, time_zone: str
) -> list[TopCustomer]:
    """Accounts by what they spent in the range (their orders' totals less what was
    refunded of them); guest orders belong to no account and are left out."""
    params = {**days.params(time_zone), "limit": limit}
    rows = (await session.execute(text(TOP_CUSTOMERS_SQL), params)).mappings()
    return [TopCustomer(**row) for row in rows]
