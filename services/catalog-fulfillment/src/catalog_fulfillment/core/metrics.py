"""catalog-fulfillment's own metrics on `/metrics` (shopkit.metrics serves them)."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import Counter
from prometheus_client.core import Metric
from shopkit.metrics import gauge
from sqlalchemy import func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Reservation
from catalog_fulfillment.models.inventory import RESERVED

RESERVATIONS_EXPIRED = Counter(
    "reservations_expired_total",
    "Stock holds that ran out unpaid and were given back",
)

# Both counts come from the partial index of live reservations (status = 'reserved').
_LIVE = select(
    func.count(),
    func.count().filter(Reservation.expires_at <= func.now()),
).where(Reservation.status == literal_column(f"'{RESERVED}'"))  # literal: matches the index


async def reservations_probe(session: AsyncSession) -> Sequence[Metric]:
    held, overdue = (await session.execute(_LIVE)).one()
    return [
        gauge("reservations_held", "Stock holds live now (reserved, not committed)", held),
        gauge(
            "reservations_overdue",
            "Live stock holds past their deadline that the sweeper has not expired yet",
            overdue,
        ),
    ]
