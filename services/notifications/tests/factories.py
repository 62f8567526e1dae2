"""Event envelopes as identity-commerce and catalog-fulfillment send them (docs/contracts.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

ORDER_TYPES = (
    "ORDER_PLACED",
    "ORDER_PAID",
    "ORDER_PAYMENT_FAILED",
    "ORDER_SHIPPED",
    "ORDER_DELIVERED",
    "ORDER_CANCELLED",
    "ORDER_REFUNDED",
    "ORDER_EXPIRED",
    "ORDER_LATE_PAYMENT_REFUNDED",
)


def order_data(
    *, order_id: uuid.UUID | None = None, email: str | None = None, phone: str | None = "+15550100"
) -> dict[str, Any]:
    return {
        "order_id": str(order_id or uuid.uuid4()),
        "order_number": "SO-2026-000123",
        "user_id": str(uuid.uuid4()),
        "email": email or f"{uuid.uuid4().hex[:10]}@example.com",
        "customer_name": "Alice Doe",
        "phone": phone,
        "items": [
            {
                "sku": "LAP-13-16GB",
                "name": 'Laptop 13" 16 GB',
                "quantity": 1,
                "unit_price": "999.00",
                "line_total": "999.00",
            },
            {
                "sku": "MUG-BLUE",
                "name": "Blue mug",
                "quantity": 2,
                "unit_price": "7.50",
                "line_total": "15.00",
            },
        ],
        "subtotal": "1014.00",
        "shipping": "0.00",
        "tax": "81.12",
        "total": "1095.12",
        "currency": "USD",
    }


TYPE_EXTRAS: dict[str, dict[str, Any]] = {
    "ORDER_SHIPPED": {
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "tracking_url": "https://track.example.com/1Z999AA10123456784",
    },
    "ORDER_REFUNDED": {"refund_amount": "1095.12"},
    "ORDER_CANCELLED": {"reason": "Requested by the customer"},
    "ORDER_LATE_PAYMENT_REFUNDED": {"refund_amount": "1095.12", "order_status": "expired"},
}
RETURN_TYPES = ("RETURN_REQUESTED", "RETURN_APPROVED", "RETURN_REJECTED", "RETURN_RECEIVED")
for _type in RETURN_TYPES:
    TYPE_EXTRAS[_type] = {
        "return_id": "2c9d6a70-3f43-4f0e-9a51-1d2b7c0e5a11",
        "return_status": _type.removeprefix("RETURN_").lower(),
        "return_lines": [{"sku": "MUG-BLUE", "name": "Blue mug", "quantity": 1}],
        "return_reason": "Too small",
    }


def low_stock_data() -> dict[str, Any]:
    return {
        "sku": "LAP-13-16GB",
        "product_id": str(uuid.uuid4()),
        "product_name": 'Laptop 13"',
        "available": 2,
        "on_hand": 5,
        "reorder_level": 3,
    }


ACCOUNT_LINK_TYPES = ("PASSWORD_RESET_REQUESTED", "EMAIL_VERIFICATION_REQUESTED")


def account_link_data(*, email: str | None = None) -> dict[str, Any]:
    return {
        "user_id": str(uuid.uuid4()),
        "email": email or f"{uuid.uuid4().hex[:10]}@example.com",
        "customer_name": "Alice Doe",
        "token": "tok_" + uuid.uuid4().hex + "_Zz-9",
        "expires_at": datetime.now(UTC).isoformat(),
    }


def envelope(
    event_type: str = "ORDER_PAID",
    *,
    data: dict[str, Any] | None = None,
    event_id: uuid.UUID | None = None,
    **data_overrides: Any,
) -> dict[str, Any]:
    if data is None:
        if event_type == "LOW_STOCK":
            data = low_stock_data()
        elif event_type in ACCOUNT_LINK_TYPES:
            data = account_link_data()
        else:
            data = {**order_data(), **TYPE_EXTRAS.get(event_type, {})}
    data = {**data, **data_overrides}
    source = "catalog-fulfillment" if event_type == "LOW_STOCK" else "identity-commerce"
    return {
        "event_id": str(event_id or uuid.uuid4()),
        "type": event_type,
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "source": source,
        "data": data,
    }
