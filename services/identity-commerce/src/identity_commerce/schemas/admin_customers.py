"""Bodies of the back office's customer routes (/admin/customers)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, Field
from shopkit.bodies import ClosedModel, read_body
from shopkit.money import Money
from shopkit.pages import Page

from identity_commerce.schemas.addresses import AddressOut
from identity_commerce.schemas.orders import AdminOrderSummary
from identity_commerce.services.customers_admin import CustomerRow

RoleName = Literal["customer", "staff", "admin"]
PermissionName = Literal["orders", "catalog", "customers", "reports"]


class CustomerSummary(BaseModel):
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    role: RoleName
    permissions: list[PermissionName]
    active: bool
    email_verified: bool
    created_at: datetime
    last_login_at: datetime | None
    order_count: int = Field(description="Orders paid (the reports' definition of a sale)")
    total_spent: Money = Field(description="What those orders came to, less refunds")
    last_order_at: datetime | None

    @classmethod
    def of(cls, row: CustomerRow) -> Self:
        user = row.user
        return read_body(
            cls,
            user,
            permissions=sorted(user.permissions),
            active=user.is_active,
            order_count=row.order_count,
            total_spent=row.total_spent,
            last_order_at=row.last_order_at,
        )


class CustomerPage(Page[CustomerSummary]):
    pass


class CustomerDetail(CustomerSummary):
    phone: str | None
    addresses: list[AddressOut]
    orders: list[AdminOrderSummary] = Field(
        description="The newest orders of every status (at most 50; order_count counts paid ones)"
    )


class RoleChange(ClosedModel):
    role: RoleName
    permissions: list[PermissionName] = Field(
        default_factory=list,
        max_length=4,
        description="Kept for `staff` only: an admin holds every permission, a customer none",
    )
