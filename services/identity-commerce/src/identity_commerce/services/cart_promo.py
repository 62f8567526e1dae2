"""The promo code of a cart: applying one (rate limited: codes must not be guessable by
brute force), showing what it takes off now, removing it.

The cart only remembers the code; whether it applies is decided again on every view and at
checkout (services/promotions.py), so a code that expired since is shown with its reason
(`problem`) and a discount of 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from shopkit.db import SessionFactory
from shopkit.errors import ProblemError
from shopkit.money import ZERO
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.core.config import Settings
from identity_commerce.services import promotions, rate_limit
from identity_commerce.services.cart import CartOwner


@dataclass(frozen=True)
class CartPromo:
    code: str
    discount: Decimal
    problem: str | None = None  # the 409 `code` checkout would answer; None: it applies


def promo_limits(settings: Settings, *, owner: CartOwner, client: str) -> list[rate_limit.Limit]:
    return rate_limit.per_caller_and_client(
        "promo",
        caller=owner.counter_name,
        client=client,
        per_caller=settings.promo_max_per_cart,
        per_client=settings.promo_max_per_client,
        window=timedelta(seconds=settings.promo_rate_window_seconds),
    )


async def count_attempt(
    sessions: SessionFactory, *, owner: CartOwner, client: str, settings: Settings
) -> None:
    """Count the attempt in a transaction of its own, committed before the code is looked
    up: a wrong code (404/409 rolls the request back) stays counted. 429 past a limit."""
    async with sessions() as counting:
        await rate_limit.hit_all_and_commit(
            counting,
            limits=promo_limits(settings, owner=owner, client=client),
            detail="Too many promo codes tried; try again later",
            code="promo_rate_limited",
        )


async def apply(
    session: AsyncSession, *, owner: CartOwner, code: str, subtotal: Decimal
) -> CartPromo:
    """404 unknown, 409 (with the reason) when it does not apply to this cart now."""
    promotion = await promotions.find_by_code(session, code)
    discount = await promotions.check_for_cart(
        session, promotion, subtotal, user_id=owner.user_id, email=None
    )
    await promotions.set_cart_promotion(session, owner, promotion)
    return CartPromo(code=promotion.code, discount=discount)


async def current(
    session: AsyncSession, *, owner: CartOwner, subtotal: Decimal
) -> CartPromo | None:
    promotion = await promotions.cart_promotion(session, owner)
    if promotion is None:
        return None
    try:
        discount = await promotions.check_for_cart(
            session, promotion, subtotal, user_id=owner.user_id, email=None
        )
    except ProblemError as refused:
        return CartPromo(code=promotion.code, discount=ZERO, problem=refused.extra.get("code"))
    return CartPromo(code=promotion.code, discount=discount)
