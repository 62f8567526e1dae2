"""The demo shop's shipping methods: the settings' flat rule as "Standard" and an "Express"
example, in one zone for every country. Only when no zone exists yet: an admin's setup is
never changed by a seed run."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity_commerce.core.config import Settings
from identity_commerce.models import ShippingMethod, ShippingZone

EXPRESS_PRICE = Decimal("19.99")


async def ensure_shipping_methods(session: AsyncSession, settings: Settings) -> str:
    if await session.scalar(select(func.count()).select_from(ShippingZone)):
        return "present"
    zone = ShippingZone(name="Everywhere", countries=[])
    session.add(zone)
    await session.flush()
    session.add_all(
        [
            ShippingMethod(
                zone_id=zone.id,
                name="Standard",
                price=settings.shipping_flat_rate,
                free_over=settings.free_shipping_threshold,
                delivery_estimate="3-5 business days",
            ),
            ShippingMethod(
                zone_id=zone.id,
                name="Express",
                price=EXPRESS_PRICE,
                free_over=None,
                delivery_estimate="1-2 business days",
            ),
        ]
    )
    return "created Standard and Express"
