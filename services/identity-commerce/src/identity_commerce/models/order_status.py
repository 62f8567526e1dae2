"""The statuses an order can be in: the names the orders table holds (its CHECK constraint
lists them). Which status may follow which is services/orders_state_machine.py."""

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    REFUNDED = "refunded"
    # Some of the money went back (lines, shipping or an amount); the rest is still paid for.
    PARTIALLY_REFUNDED = "partially_refunded"
