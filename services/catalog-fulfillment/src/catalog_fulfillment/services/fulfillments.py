"""Fulfillments: created (by identity-commerce) when an order ships, then moved forward
to in_transit and delivered. Status only moves forward; repeating a status is a no-op."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from shopkit.db import utcnow
from shopkit.errors import Conflict, NotFound
from shopkit.tokens import Principal
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Fulfillment
from catalog_fulfillment.models.fulfillments import DELIVERED, IN_TRANSIT, SHIPPED
from catalog_fulfillment.schemas.fulfillments import FulfillmentCreate

STATUS_ORDER = {SHIPPED: 0, IN_TRANSIT: 1, DELIVERED: 2}

# Public tracking pages of common carriers; other carriers get no link.
TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "dhl": "https://www.dhl.com/en/express/tracking.html?AWB={}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    "dpd": "https://www.dpd.com/tracking/{}",
}


def tracking_url(carrier: str, tracking_number: str) -> str | None:
    template = TRACKING_URLS.get(carrier.strip().lower())
    return template.format(quote(tracking_number, safe="")) if template else None


async def create_fulfillment(
    session: AsyncSession, *, data: FulfillmentCreate
) -> tuple[Fulfillment, bool]:
    """Returns the fulfillment and whether it was created now (False: it already existed)."""
    now = utcnow()
    inserted = await session.scalar(
        pg_insert(Fulfillment)
        .values(
            id=uuid.uuid4(),
            order_id=data.order_id,
            user_id=data.user_id,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
            tracking_url=tracking_url(data.carrier, data.tracking_number),
            status=SHIPPED,
            shipped_at=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Fulfillment.order_id])
        .returning(Fulfillment.id)
    )
    fulfillment = await _by_order(session, data.order_id)
    return fulfillment, inserted is not None


async def _by_order(
    session: AsyncSession, order_id: uuid.UUID, *, lock: bool = False
) -> Fulfillment:
    query = select(Fulfillment).where(Fulfillment.order_id == order_id)
    if lock:
        query = query.with_for_update()
    fulfillment = (
        await session.scalars(query.execution_options(populate_existing=True))
    ).one_or_none()
    if fulfillment is None:
        raise NotFound("No fulfillment for this order")
    return fulfillment


async def advance_status(session: AsyncSession, *, order_id: uuid.UUID, status: str) -> Fulfillment:
    fulfillment = await _by_order(session, order_id, lock=True)
    if status == fulfillment.status:
        return fulfillment
    if STATUS_ORDER[status] < STATUS_ORDER[fulfillment.status]:
        raise Conflict(f"A {fulfillment.status} shipment cannot go back to {status}")
    now = utcnow()
    fulfillment.status = status
    if status == IN_TRANSIT:
        fulfillment.in_transit_at = now
    if status == DELIVERED:
        fulfillment.in_transit_at = fulfillment.in_transit_at or now
        fulfillment.delivered_at = now
    fulfillment.updated_at = now
    await session.flush()
    return fulfillment


async def read_fulfillment(
    session: AsyncSession, *, order_id: uuid.UUID, principal: Principal
) -> Fulfillment:
    fulfillment = await _by_order(session, order_id)
    if principal.has_permission("orders") or principal.is_service:
        return fulfillment
    if principal.subject != str(fulfillment.user_id):
        raise NotFound("No fulfillment for this order")  # not yours looks like not there
    return fulfillment
