"""Promo codes: whether one applies to a cart, what it takes off, and counting its uses.

Rules (docs/api/identity-commerce.md#promotions):
- Codes are case-insensitive: stored and compared upper-cased and trimmed.
- The discount comes off the subtotal before tax (tax is charged on the discounted
  subtotal): percent of the subtotal rounded half-up to the cent, or a fixed amount; never
  more than the subtotal, so no total goes below shipping + tax.
- Refusals are 409 with a `code`: inactive, not_started, expired, below_minimum, used_up,
  per_customer_limit; an unknown code is 404 (`code`: unknown_promo_code).

Counting uses, race-safe (docs/adr/0037-promo-code-uses-reserved-at-checkout.md):
- A use is an order carrying the code that is not failed, expired or cancelled. An order
  awaiting payment *reserves* its use; paying it *redeems* it (`times_used` counts only
  those); expiry, cancellation or a failed payment gives the use back by the order's status
  alone, with nothing to undo.
- Checkout locks the promotion's row (`lock_for_checkout`) before counting, in the same
  transaction that inserts the order: checkouts of one code run one at a time from the lock
  to their commit, so with one use left exactly one order gets it and every other checkout
  answers 409 `used_up` at create time (no shopper is charged a price they were not shown).
- The per-customer limit counts the same orders by account or, for guests, by email.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopkit.db import utcnow
from shopkit.errors import Conflict, NotFound
from shopkit.money import ZERO, round_money
from sqlalchemy import ColumnElement, Select, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.models import CartPromotion, Order, Promotion, PromotionKind
from identity_commerce.models.order_status import OrderStatus
from identity_commerce.services.cart import CartOwner

# Orders in these statuses gave their use back.
RELEASED = (OrderStatus.PAYMENT_FAILED, OrderStatus.EXPIRED, OrderStatus.CANCELLED)
HOLDING = tuple(s for s in OrderStatus if s not in RELEASED)
REDEEMED = tuple(s for s in HOLDING if s is not OrderStatus.PENDING_PAYMENT)

UNKNOWN_CODE = "unknown_promo_code"


def normalise_code(code: str) -> str:
    return code.strip().upper()


class PromoRejected(Conflict):
    """409 with the reason as `code`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail, code=reason)


class UnknownPromoCode(NotFound):
    def __init__(self) -> None:
        super().__init__("No such promo code", code=UNKNOWN_CODE)


def discount_for(promotion: Promotion, subtotal: Decimal, currency: str | None = None) -> Decimal:
    """What the promotion takes off `subtotal`: at least 0, at most the subtotal."""
    if subtotal <= 0:
        return ZERO
    if promotion.kind == PromotionKind.percent:
        off = round_money(subtotal * promotion.value / 100, currency)
    else:
        off = round_money(promotion.value, currency)
    return min(off, round_money(subtotal, currency))


def check_terms(promotion: Promotion, subtotal: Decimal, *, now: datetime | None = None) -> None:
    """The rules that need no counting: active, in its window, subtotal reaches the minimum."""
    now = now or utcnow()
    if not promotion.active:
        raise PromoRejected("inactive", "This promo code is no longer active")
    if promotion.starts_at is not None and now < promotion.starts_at:
        raise PromoRejected("not_started", "This promo code cannot be used yet")
    if promotion.ends_at is not None and now >= promotion.ends_at:
        raise PromoRejected("expired", "This promo code has expired")
    if promotion.min_subtotal is not None and subtotal < promotion.min_subtotal:
        raise PromoRejected(
            "below_minimum",
            f"This promo code needs a subtotal of at least {promotion.min_subtotal:.2f}",
        )


@dataclass(frozen=True)
class Uses:
    held: int  # reserved (awaiting payment) + redeemed
    by_customer: int


def _uses_statement(code: str, *, user_id: uuid.UUID | None, email: str | None) -> Select[int, int]:
    same_customer = [
        *([Order.user_id == user_id] if user_id is not None else []),
        *([Order.customer_email == email] if email is not None else []),
    ]
    by_customer = func.count().filter(or_(*same_customer)) if same_customer else literal(0)
    return select(func.count(), by_customer).where(
        Order.promo_code == code, Order.status.in_(HOLDING)
    )


async def count_uses(
    session: AsyncSession, code: str, *, user_id: uuid.UUID | None, email: str | None
) -> Uses:
    row = (await session.execute(_uses_statement(code, user_id=user_id, email=email))).one()
    return Uses(held=int(row[0]), by_customer=int(row[1]))


def check_uses(promotion: Promotion, uses: Uses) -> None:
    if promotion.usage_limit is not None and uses.held >= promotion.usage_limit:
        raise PromoRejected("used_up", "This promo code has been used up")
    per_customer = promotion.per_customer_limit
    if per_customer is not None and uses.by_customer >= per_customer:
        raise PromoRejected(
            "per_customer_limit", "You have already used this promo code as often as allowed"
        )


async def find_by_code(session: AsyncSession, code: str) -> Promotion:
    promotion = await session.scalar(
        select(Promotion).where(Promotion.code == normalise_code(code))
    )
    if promotion is None:
        raise UnknownPromoCode()
    return promotion


async def check_for_cart(
    session: AsyncSession,
    promotion: Promotion,
    subtotal: Decimal,
    *,
    user_id: uuid.UUID | None,
    email: str | None,
) -> Decimal:
    """Every rule, with uses counted without a lock (the cart's view; checkout counts again
    under the lock); the discount for `subtotal`."""
    check_terms(promotion, subtotal)
    check_uses(promotion, await count_uses(session, promotion.code, user_id=user_id, email=email))
    return discount_for(promotion, subtotal)


async def lock_for_checkout(session: AsyncSession, promotion_id: uuid.UUID) -> Promotion | None:
    """The promotion's row, locked until the checkout commits (see the module's notes).
    Read fresh: an admin may have changed it since the session last saw it."""
    return await session.scalar(
        select(Promotion)
        .where(Promotion.id == promotion_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- the cart's code ----------------------------------------------------------------------
def _owned_by(owner: CartOwner) -> ColumnElement[bool]:
    if owner.user_id is not None:
        return CartPromotion.user_id == owner.user_id
    return CartPromotion.guest_cart_id == owner.guest_cart_id


async def cart_promotion(session: AsyncSession, owner: CartOwner) -> Promotion | None:
    return await session.scalar(
        select(Promotion)
        .join(CartPromotion, CartPromotion.promotion_id == Promotion.id)
        .where(_owned_by(owner))
    )


async def set_cart_promotion(session: AsyncSession, owner: CartOwner, promotion: Promotion) -> None:
    """One code per cart: a new one replaces the old."""
    await remove_cart_promotion(session, owner)
    session.add(CartPromotion(**owner.fields(), promotion_id=promotion.id))
    await session.flush()


async def remove_cart_promotion(session: AsyncSession, owner: CartOwner) -> None:
    await session.execute(delete(CartPromotion).where(_owned_by(owner)))


# --- admin --------------------------------------------------------------------------------
async def usage_counts(session: AsyncSession) -> dict[str, tuple[int, int]]:
    """code -> (reserved, redeemed) over every promotion's orders."""
    rows = await session.execute(
        select(
            Order.promo_code,
            func.count().filter(Order.status == OrderStatus.PENDING_PAYMENT),
            func.count().filter(Order.status.in_(REDEEMED)),
        )
        .where(Order.promo_code.is_not(None), Order.status.in_(HOLDING))
        .group_by(Order.promo_code)
    )
    return {
        code: (reserved, redeemed)
        for code, reserved, redeemed in rows.all()
        if code is not None  # (the query has none; the column type allows it)
    }
