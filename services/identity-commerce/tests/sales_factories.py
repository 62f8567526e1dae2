"""Orders, payments and refunds arranged directly in the test's transaction, with the
instants the reports cut by."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from identity_commerce.models import Order, OrderItem, OrderStatusChange, Payment, Refund, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

ADDRESS = {
    "full_name": "A B",
    "line1": "1 Road",
    "city": "Town",
    "postal_code": "1",
    "country": "US",
}


async def make_order(
    session: AsyncSession,
    *,
    user: User | None,
    placed_at: datetime,
    lines: list[tuple[str, str, Decimal, int]],  # sku, name, unit price, quantity
    shipping: Decimal = Decimal("0.00"),
    tax: Decimal = Decimal("0.00"),
    discount: Decimal = Decimal("0.00"),
    paid: bool = True,
    status: str | None = None,
    email: str | None = None,
) -> Order:
    subtotal = sum((price * qty for _, _, price, qty in lines), Decimal("0.00"))
    order = Order(
        id=uuid.uuid4(),
        user_id=user.id if user else None,
        guest_token=None if user else uuid.uuid4().hex,
        status=status or ("paid" if paid else "pending_payment"),
        currency="USD",
        subtotal=subtotal,
        shipping=shipping,
        tax=tax,
        discount=discount,
        total=subtotal - discount + shipping + tax,
        customer_email=email or (user.email if user else "guest@example.com"),
        customer_name=user.full_name if user else "Guest Shopper",
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        reservation_expires_at=placed_at,
        created_at=placed_at,
        updated_at=placed_at,
    )
    session.add(order)
    await session.flush()
    for position, (sku, name, price, qty) in enumerate(lines):
        session.add(
            OrderItem(
                order_id=order.id,
                position=position,
                sku=sku,
                name=name,
                unit_price=price,
                quantity=qty,
                line_total=price * qty,
            )
        )
    if paid:
        session.add(
            OrderStatusChange(order_id=order.id, status="paid", actor="stripe", at=placed_at)
        )
        session.add(
            Payment(
                order_id=order.id,
                payment_intent_id=f"pi_{uuid.uuid4().hex}",
                amount=order.total,
                currency="USD",
                status="succeeded",
                refunded_amount=Decimal("0.00"),
            )
        )
    await session.commit()
    return order


async def refund(
    session: AsyncSession, order: Order, amount: Decimal, *, at: datetime, status: str = "succeeded"
) -> Refund:
    payment = await session.scalar(select(Payment).where(Payment.order_id == order.id))
    assert payment is not None
    row = Refund(
        payment_id=payment.id,
        stripe_refund_id=f"re_{uuid.uuid4().hex}",
        amount=amount,
        status=status,
        reason="requested_by_customer",
        created_at=at,
    )
    session.add(row)
    if status == "succeeded":
        payment.refunded_amount += amount
    await session.commit()
    return row
