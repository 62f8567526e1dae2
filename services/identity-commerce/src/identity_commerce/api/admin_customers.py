"""/admin/customers: find accounts, read one with its addresses and orders, disable or
enable it (permission `customers`), and grant roles and permissions (admins only)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Query
from shopkit.auth import AdminPrincipal
from shopkit.db import SessionDep
from shopkit.errors import Conflict, Forbidden, NotFound, RequestInvalid, behind_token
from shopkit.fields import SafeText
from shopkit.pages import Paging

from identity_commerce.api.deps import CustomersStaff
from identity_commerce.models import UserRole
from identity_commerce.schemas.addresses import AddressOut
from identity_commerce.schemas.admin_customers import (
    CustomerDetail,
    CustomerPage,
    CustomerSummary,
    RoleChange,
)
from identity_commerce.schemas.orders import AdminOrderSummary
from identity_commerce.services.customers_admin import (
    customer_addresses,
    get_customer,
    list_customers,
    set_active,
    set_role,
)
from identity_commerce.services.orders import list_orders

router = APIRouter(prefix="/admin/customers", tags=["admin: customers"])

DETAIL_ORDERS = 50
NO_SUCH_CUSTOMER = NotFound.documented("No such customer (`customer_not_found`)")
OWN_ACCOUNT = Conflict.documented("Your own account (`own_account`): another admin must do it")


@router.get(
    "",
    response_model=CustomerPage,
    summary="Accounts, newest first, optionally matching an email or name",
    description=(
        "`q` matches part of the email or of the full name, case-insensitively. Each account "
        "comes with its paid orders, what they came to less refunds, and when the last one "
        "was placed. Permission `customers`."
    ),
    responses=behind_token(RequestInvalid),
)
async def customers(
    _: CustomersStaff,
    session: SessionDep,
    paging: Paging,
    q: Annotated[SafeText | None, Query(max_length=200)] = None,
) -> CustomerPage:
    rows, total = await list_customers(session, q=q, page=paging.page, page_size=paging.page_size)
    return CustomerPage.of([CustomerSummary.of(row) for row in rows], total, paging)


async def _detail(session: SessionDep, user_id: uuid.UUID) -> CustomerDetail:
    row = await get_customer(session, user_id=user_id)
    addresses = await customer_addresses(session, user_id=user_id)
    orders, _ = await list_orders(session, user_id=user_id, page=1, page_size=DETAIL_ORDERS)
    return CustomerDetail(
        **CustomerSummary.of(row).model_dump(),
        phone=row.user.phone,
        addresses=[AddressOut.model_validate(a) for a in addresses],
        orders=[AdminOrderSummary.of(o.order, o.item_count) for o in orders],
    )


@router.get(
    "/{user_id}",
    response_model=CustomerDetail,
    summary="One account with its addresses and newest orders",
    description="Permission `customers`.",
    responses=behind_token(NO_SUCH_CUSTOMER, RequestInvalid),
)
async def customer(user_id: uuid.UUID, _: CustomersStaff, session: SessionDep) -> CustomerDetail:
    return await _detail(session, user_id)


# What disabling and enabling an account can answer besides its detail.
SWITCH_ERRORS = behind_token(
    NO_SUCH_CUSTOMER,
    OWN_ACCOUNT,
    RequestInvalid,
    forbidden=Forbidden.documented(
        "Missing permission, or a staff/admin account and you are staff"
    ),
)


def _switch(active: bool) -> Callable[..., Awaitable[CustomerDetail]]:
    """The handler that disables (`active` false) or enables an account."""

    async def switch(
        user_id: uuid.UUID, actor: CustomersStaff, session: SessionDep
    ) -> CustomerDetail:
        await set_active(session, actor=actor, user_id=user_id, active=active)
        return await _detail(session, user_id)

    return switch


# Disabling and enabling differ only in the state they set. `name` is the operationId's
# stem, as when each had a function of that name.
for path, name, active, summary, description in (
    (
        "/{user_id}/disable",
        "disable_customer",
        False,
        "Disable an account: it cannot sign in and its tokens stop working at once",
        "Every service refuses the account's tokens from the next request on (the account "
        "check), and tokens issued before stay refused after `enable`. Disabling a disabled "
        "account changes nothing. Permission `customers`; a staff or admin account needs an "
        "admin. Nobody disables their own account.",
    ),
    (
        "/{user_id}/enable",
        "enable_customer",
        True,
        "Enable a disabled account (it signs in again; old tokens stay refused)",
        "Permission `customers`; a staff or admin account needs an admin.",
    ),
):
    router.post(
        path,
        name=name,
        response_model=CustomerDetail,
        summary=summary,
        description=description,
        responses=SWITCH_ERRORS,
    )(_switch(active))


@router.put(
    "/{user_id}/role",
    response_model=CustomerDetail,
    summary="Grant a role: customer, staff (with permissions) or admin",
    description=(
        "Admins only. `permissions` (orders, catalog, customers, reports) are kept for "
        "`staff`; an admin holds them all, a customer none. A change ends the account's "
        "tokens: it signs in again and its new token lists what it may do. Setting what is "
        "already set changes nothing. Nobody changes their own role."
    ),
    responses=behind_token(NO_SUCH_CUSTOMER, OWN_ACCOUNT, RequestInvalid),
)
async def grant_role(
    user_id: uuid.UUID, body: RoleChange, admin: AdminPrincipal, session: SessionDep
) -> CustomerDetail:
    await set_role(
        session,
        actor=admin,
        user_id=user_id,
        role=UserRole(body.role),
        permissions=body.permissions,
    )
    return await _detail(session, user_id)
