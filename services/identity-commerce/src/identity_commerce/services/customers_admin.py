"""The back office's view of accounts: find one, read it with its figures, disable or
enable it, grant a role and permissions.

Rules, each enforced here (the routes only pick the permission):
- Disabling ends the account at once everywhere: `is_active` goes false (login and every
  account check refuse it) and the token version goes up, so a token issued before stays
  dead even after the account is enabled again.
- A change of role or permissions also raises the token version: the account signs in again
  and gets a token listing what it may do now; nobody keeps powers in an older token.
- Nobody disables or re-roles their own account (an admin cannot lock the shop out by a
  slip); staff act on customers only: disabling a staff or admin account needs an admin.
- Figures (orders, spent, last order) count sales as the reports do (services.sales_reports).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopkit.errors import Conflict, Forbidden, NotFound
from shopkit.pages import count_rows, newest_first, one_page
from shopkit.tokens import Principal
from sqlalchemy import ColumnElement, Select, String, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import Address, Order, OrderStatusChange, Payment, User, UserRole


@dataclass(frozen=True)
class CustomerRow:
    user: User
    order_count: int
    total_spent: Decimal
    last_order_at: datetime | None


def _was_paid() -> ColumnElement[bool]:
    return exists().where(
        OrderStatusChange.order_id == Order.id, OrderStatusChange.status == "paid"
    )


def figures_per_account() -> Select[int, Decimal, datetime]:
    """Per account (correlated with the outer `users` row): paid orders, what they came to
    less refunds, and when the last of them was placed."""
    return (
        select(
            func.count(Order.id).label("order_count"),
            func.coalesce(
                func.sum(Order.total - func.coalesce(Payment.refunded_amount, 0)), 0
            ).label("total_spent"),
            func.max(Order.created_at).label("last_order_at"),
        )
        .select_from(Order)
        .outerjoin(Payment, Payment.order_id == Order.id)
        .where(Order.user_id == User.id, _was_paid())
    )


def escape_like(term: str) -> str:
    """`term` as a literal inside a LIKE pattern (its % and _ match themselves)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_filter(q: str | None) -> list[ColumnElement[bool]]:
    """Accounts whose email or name contains `q` (case-insensitive)."""
    if q is None or not q.strip():
        return []
    pattern = f"%{escape_like(q.strip())}%"
    full_name = User.first_name + literal(" ") + User.last_name
    return [
        or_(
            User.email.ilike(pattern, escape="\\"),
            cast(full_name, String).ilike(pattern, escape="\\"),
        )
    ]


async def list_customers(
    session: AsyncSession, *, q: str | None, page: int, page_size: int
) -> tuple[list[CustomerRow], int]:
    """Newest accounts first, with their figures; one query for the page, one for the total.
    The page of accounts is picked first, so the figures are summed for its rows only, not
    for every account before the sort."""
    filters = search_filter(q)
    newest = select(User.id, User.created_at).where(*filters).order_by(*newest_first(User))
    page_ids = one_page(newest, page, page_size).subquery("page_ids")
    figures = figures_per_account().lateral("figures")
    rows = (
        await session.execute(
            select(User, figures.c.order_count, figures.c.total_spent, figures.c.last_order_at)
            .join(page_ids, page_ids.c.id == User.id)
            .join(figures, literal(True))
            .order_by(*newest_first(User))
        )
    ).all()
    total = await count_rows(session, User, *filters)
    return [CustomerRow(u, int(n), Decimal(s), last) for u, n, s, last in rows], total


async def get_customer(session: AsyncSession, *, user_id: uuid.UUID) -> CustomerRow:
    figures = figures_per_account().lateral("figures")
    row = (
        await session.execute(
            select(User, figures.c.order_count, figures.c.total_spent, figures.c.last_order_at)
            .join(figures, literal(True))
            .where(User.id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such customer", code="customer_not_found")
    user, count, spent, last = row
    return CustomerRow(user, int(count), Decimal(spent), last)


async def customer_addresses(session: AsyncSession, *, user_id: uuid.UUID) -> Sequence[Address]:
    return (
        await session.scalars(
            select(Address)
            .where(Address.user_id == user_id)
            .order_by(Address.kind, Address.is_default.desc(), Address.created_at)
        )
    ).all()


async def _lock_account(session: AsyncSession, user_id: uuid.UUID) -> User:
    """The row, locked: two admins acting at once change it one after the other."""
    user = await session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound("No such customer", code="customer_not_found")
    return user


def _not_yourself(actor: Principal, user: User) -> None:
    if actor.subject == str(user.id):
        raise Conflict("You cannot change your own account here", code="own_account")


async def set_active(
    session: AsyncSession, *, actor: Principal, user_id: uuid.UUID, active: bool
) -> User:
    """Disable or enable an account; asking for the state it is in changes nothing."""
    user = await _lock_account(session, user_id)
    _not_yourself(actor, user)
    if user.role != UserRole.customer.value and not actor.is_admin:
        raise Forbidden("Only an admin may disable or enable a staff or admin account")
    if user.is_active != active:
        user.is_active = active
        if not active:
            user.token_version += 1  # no token issued before comes back with `enable`
    await session.commit()
    return user


async def set_role(
    session: AsyncSession,
    *,
    actor: Principal,
    user_id: uuid.UUID,
    role: UserRole,
    permissions: Sequence[str],
) -> User:
    """Grant `role`; `permissions` are kept for staff only (an admin holds all, a customer
    none). A real change ends the account's tokens."""
    user = await _lock_account(session, user_id)
    _not_yourself(actor, user)
    wanted = sorted(set(permissions)) if role == UserRole.staff else []
    if user.role != role.value or sorted(user.permissions) != wanted:
        user.role = role.value
        user.permissions = wanted
        user.token_version += 1
    await session.commit()
    return user
