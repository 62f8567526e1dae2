"""Bodies of the back office's customer routes (/admin/customers)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field
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
        return cls(
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=user.role,  # type: ignore[arg-type]  # the check constraint keeps it known
            permissions=sorted(user.permissions),  # type: ignore[arg-type]
            active=user.is_active,
            email_verified=user.email_verified,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
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


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: RoleName
    permissions: list[PermissionName] = Field(
        default_factory=list,
        max_length=4,
        description="Kept for `staff` only: an admin holds every permission, a customer none",
    )
