"""/admin/reports (permission `reports`) and /admin/exports (the permission of the data:
`orders` for orders.csv, `customers` for customers.csv). What counts as a sale, and when, is
services/sales_reports.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from shopkit.csv_export import CSV_RESPONSE, csv_response
from shopkit.db import SessionDep
from shopkit.errors import RequestInvalid, TooManyRequests, behind_token
from shopkit.fields import DATE_TEXT
from shopkit.keyset import keyset_pages
from shopkit.money import Money
from shopkit.tokens import Principal
from sqlalchemy import Row, func, select, true

from identity_commerce.api.deps import (
    ClientAddress,
    CustomersStaff,
    OrdersStaff,
    ReportsStaff,
    SessionFactoryDep,
    SettingsDep,
)
from identity_commerce.models import Order, OrderItem, Payment, User
from identity_commerce.services import rate_limit
from identity_commerce.services.customers_admin import figures_per_account
from identity_commerce.services.sales_reports import (
    MAX_RANGE_DAYS,
    DayRange,
    Interval,
    RangeInvalid,
    day_range,
    sales_by_bucket,
    top_customers,
    top_products,
)

router = APIRouter(tags=["admin: reports"])


# A day as YYYY-MM-DD text (not a Unix time), stated as a plain string: `date | None` would
# also advertise `null`, which a query string cannot carry.
_DAY = (DATE_TEXT, WithJsonSchema({"type": "string", "format": "date"}))
FromDay = Annotated[
    date | None,
    Query(alias="from", description="First day (shop time zone); default: 29 days before `to`"),
    *_DAY,
]
ToDay = Annotated[
    date | None, Query(alias="to", description="Last day, included; default: today"), *_DAY
]
RANGE_ERRORS = (RangeInvalid, RequestInvalid)
RANGE_NOTE = (
    f"Whole days in the shop's time zone (SHOP_TIME_ZONE), `from` and `to` included, at most "
    f"{MAX_RANGE_DAYS} days (400 `range_too_long`; `range_reversed` when `from` > `to`). A sale "
    "is an order that was paid, counted on the day it was placed."
)


def _days(settings: SettingsDep, start: date | None, end: date | None) -> DayRange:
    today = datetime.now(ZoneInfo(settings.shop_time_zone)).date()
    return day_range(start, end, today=today)


# --- reports ------------------------------------------------------------------------------
class SalesBucketOut(BaseModel):
    start: date = Field(description="First day of the bucket (a Monday for weeks)")
    orders: int
    gross: Money = Field(description="subtotal + shipping + tax, before discounts")
    discounts: Money
    refunds: Money = Field(description="Refunds made in the bucket, of any order")
    net: Money = Field(description="gross - discounts - refunds")
    average_order_value: Money = Field(description="(gross - discounts) / orders, half-up")


class SalesReport(BaseModel):
    from_: date = Field(alias="from")
    to: date
    interval: Interval
    time_zone: str
    currency: str
    buckets: list[SalesBucketOut]
    totals: SalesBucketOut = Field(description="The whole range as one bucket (start = from)")

    model_config = {"populate_by_name": True}


@router.get(
    "/admin/reports/sales",
    response_model=SalesReport,
    response_model_by_alias=True,
    summary="Orders, gross, discounts, refunds, net and average order value per bucket",
    description=RANGE_NOTE + " Every bucket of the range is listed, empty ones with zeros.",
    responses=behind_token(*RANGE_ERRORS),
)
async def sales_report(
    _: ReportsStaff,
    session: SessionDep,
    settings: SettingsDep,
    start: FromDay = None,
    end: ToDay = None,
    interval: Interval = "day",
) -> SalesReport:
    days = _days(settings, start, end)
    buckets = await sales_by_bucket(
        session, days=days, interval=interval, time_zone=settings.shop_time_zone
    )
    orders = sum(b.orders for b in buckets)
    gross = sum((b.gross for b in buckets), Decimal(0))
    discounts = sum((b.discounts for b in buckets), Decimal(0))
    refunds = sum((b.refunds for b in buckets), Decimal(0))
    average = (gross - discounts) / orders if orders else Decimal(0)
    totals = SalesBucketOut(
        start=days.start,
        orders=orders,
        gross=gross,
        discounts=discounts,
        refunds=refunds,
        net=gross - discounts - refunds,
        average_order_value=average,  # Money rounds half-up to cents
    )
    return SalesReport(
        from_=days.start,
        to=days.end,
        interval=interval,
        time_zone=settings.shop_time_zone,
        currency=settings.shop_currency,
        buckets=[SalesBucketOut.model_validate(b, from_attributes=True) for b in buckets],
        totals=totals,
    )


class TopProductOut(BaseModel):
    sku: str
    name: str
    units: int
    orders: int
    revenue: Money = Field(description="Line totals at the price paid, before order discounts")


class TopCustomerOut(BaseModel):
    user_id: Annotated[str, BeforeValidator(str)]  # the row's UUID, as text
    email: str
    name: str
    orders: int
    spent: Money = Field(description="Their paid orders' totals less refunds")


@dataclass(frozen=True)
class TopQuery:
    """What a top-N report reads: whole days of the shop's time zone, and how many rows."""

    days: DayRange
    limit: int
    time_zone: str


async def _top_query(
    settings: SettingsDep,
    start: FromDay = None,
    end: ToDay = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> TopQuery:
    return TopQuery(_days(settings, start, end), limit, settings.shop_time_zone)


TopQueryDep = Annotated[TopQuery, Depends(_top_query)]


def _top_report(
    report: Callable[..., Awaitable[Sequence[object]]], out: type[BaseModel]
) -> Callable[..., Awaitable[list[Any]]]:
    """The handler of a top-N report: the rows `report` ranks in the range, as `out`."""

    async def top_report(_: ReportsStaff, session: SessionDep, top: TopQueryDep) -> list[Any]:
        rows = await report(session, days=top.days, limit=top.limit, time_zone=top.time_zone)
        return [out.model_validate(row, from_attributes=True) for row in rows]

    return top_report


# The top-N reports differ only in what they rank. `name` is the operationId's stem, as when
# each had a function of that name.
for path, name, out, report, summary in (
    (
        "/admin/reports/top-products",
        "top_products_report",
        TopProductOut,
        top_products,
        "Best-selling SKUs of a range, by revenue",
    ),
    (
        "/admin/reports/top-customers",
        "top_customers_report",
        TopCustomerOut,
        top_customers,
        "Accounts that spent the most in a range (guest orders are left out)",
    ),
):
    router.get(
        path,
        name=name,
        response_model=list[out],  # type: ignore[valid-type]  # the model of this report
        summary=summary,
        description=RANGE_NOTE,
        responses=behind_token(*RANGE_ERRORS),
    )(_top_report(report, out))


# --- exports ------------------------------------------------------------------------------
EXPORT_PAGE = 500  # rows read per query and sent per chunk
EXPORT_WINDOW = timedelta(minutes=10)
EXPORTS_PER_ACCOUNT = 20
EXPORTS_PER_CLIENT = 40
EXPORT_NOTE = (
    "Streamed RFC 4180 CSV (UTF-8, CRLF, header row); text cells starting with = + - @ are "
    f"prefixed with ' so spreadsheets do not run them. At most {EXPORTS_PER_ACCOUNT} exports "
    f"per account and {EXPORTS_PER_CLIENT} per client address per 10 minutes, then 429."
)
EXPORT_ERRORS = (RequestInvalid, TooManyRequests)


async def _count_export(session: SessionDep, principal: Principal, client: str) -> None:
    """An export reads a whole table: bounded per account and per client address."""
    await rate_limit.hit_all(
        session,
        limits=rate_limit.per_caller_and_client(
            "export",
            caller=principal.subject,
            client=client,
            per_caller=EXPORTS_PER_ACCOUNT,
            per_client=EXPORTS_PER_CLIENT,
            window=EXPORT_WINDOW,
        ),
        detail="Too many exports; try again later",
        code="too_many_exports",
    )
    await session.commit()


ORDER_COLUMNS = (
    "number",
    "placed_at",
    "status",
    "customer_email",
    "customer_name",
    "guest",
    "currency",
    "subtotal",
    "discount",
    "shipping",
    "tax",
    "total",
    "refunded",
    "promo_code",
    "shipping_method",
    "items",
)


def _created_key(row: Row[Any]) -> tuple[datetime, Any]:
    """Where an export of orders or accounts is: (created_at, id) of the row's first entity."""
    return (row[0].created_at, row[0].id)


async def _order_pages(
    sessions: SessionFactoryDep, days: DayRange, time_zone: str
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Orders of the range, oldest first, a page at a time by (created_at, id), on a session
    of its own (the request's session is closed once the response starts)."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(days.start, datetime.min.time(), zone)
    end = datetime.combine(days.end + timedelta(days=1), datetime.min.time(), zone)
    items = (
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .where(OrderItem.order_id == Order.id)
        .scalar_subquery()
    )
    query = (
        select(Order, Payment.refunded_amount, items)
        .outerjoin(Payment, Payment.order_id == Order.id)
        .where(Order.created_at >= start, Order.created_at < end)
    )
    async with sessions() as session:
        async for rows in keyset_pages(
            session, query, (Order.created_at, Order.id), _created_key, page_size=EXPORT_PAGE
        ):
            yield [
                (
                    o.number,
                    o.created_at.astimezone(zone),
                    o.status,
                    o.customer_email,
                    o.customer_name,
                    o.user_id is None,
                    o.currency,
                    o.subtotal,
                    o.discount,
                    o.shipping,
                    o.tax,
                    o.total,
                    refunded or Decimal(0),
                    o.promo_code,
                    o.shipping_method,
                    int(count),
                )
                for o, refunded, count in rows
            ]


@router.get(
    "/admin/exports/orders.csv",
    response_class=StreamingResponse,
    summary="Every order of a range (any status) as CSV",
    description=RANGE_NOTE.replace("A sale is an order that was paid, counted", "Orders are")
    + " "
    + EXPORT_NOTE,
    responses={**CSV_RESPONSE, **behind_token(*EXPORT_ERRORS, RangeInvalid)},
)
async def orders_csv(
    principal: OrdersStaff,
    session: SessionDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
    client: ClientAddress,
    start: FromDay = None,
    end: ToDay = None,
) -> StreamingResponse:
    days = _days(settings, start, end)
    await _count_export(session, principal, client)
    return await csv_response(
        f"orders-{days.start}-{days.end}.csv",
        ORDER_COLUMNS,
        _order_pages(sessions, days, settings.shop_time_zone),
    )


CUSTOMER_COLUMNS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "role",
    "permissions",
    "active",
    "email_verified",
    "created_at",
    "order_count",
    "total_spent",
    "last_order_at",
)


async def _customer_pages(sessions: SessionFactoryDep) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Every account, oldest first, a page at a time by (created_at, id)."""
    figures = figures_per_account().lateral("figures")
    query = select(
        User, figures.c.order_count, figures.c.total_spent, figures.c.last_order_at
    ).join(figures, true())
    async with sessions() as session:
        async for rows in keyset_pages(
            session, query, (User.created_at, User.id), _created_key, page_size=EXPORT_PAGE
        ):
            yield [
                (
                    u.id,
                    u.email,
                    u.first_name,
                    u.last_name,
                    u.phone,
                    u.role,
                    " ".join(sorted(u.permissions)),
                    u.is_active,
                    u.email_verified,
                    u.created_at,
                    int(count),
                    Decimal(spent),
                    last,
                )
                for u, count, spent, last in rows
            ]


@router.get(
    "/admin/exports/customers.csv",
    response_class=StreamingResponse,
    summary="Every account as CSV, with its paid orders and what they came to",
    description=EXPORT_NOTE,
    responses={**CSV_RESPONSE, **behind_token(*EXPORT_ERRORS)},
)
async def customers_csv(
    principal: CustomersStaff,
    session: SessionDep,
    sessions: SessionFactoryDep,
    client: ClientAddress,
) -> StreamingResponse:
    await _count_export(session, principal, client)
    return await csv_response("customers.csv", CUSTOMER_COLUMNS, _customer_pages(sessions))
