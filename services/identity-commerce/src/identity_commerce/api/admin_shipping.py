"""/admin/shipping-methods: shipping zones (countries) and their methods (admin role).

Deleting a method deactivates it (orders keep its name and price as copies anyway); a zone
can be deleted only without methods.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from shopkit.db import SessionDep
from shopkit.errors import Conflict, NotFound, RequestInvalid, behind_token
from sqlalchemy import func, select

from identity_commerce.api.deps import CatalogStaff
from identity_commerce.api.unique_names import flush_unique
from identity_commerce.models import ShippingMethod, ShippingZone
from identity_commerce.schemas.pricing_admin import (
    ShippingMethodIn,
    ShippingMethodOut,
    ShippingSetupOut,
    ShippingZoneIn,
    ShippingZoneOut,
)

router = APIRouter(prefix="/admin/shipping-methods", tags=["admin: shipping"])

ZONE_TAKEN = "Another zone has this name"
NO_ZONE = "No such shipping zone"
NO_METHOD = "No such shipping method"


async def _zone(session: SessionDep, zone_id: uuid.UUID) -> ShippingZone:
    zone = await session.get(ShippingZone, zone_id)
    if zone is None:
        raise NotFound(NO_ZONE)
    return zone


async def _method(session: SessionDep, method_id: uuid.UUID) -> ShippingMethod:
    method = await session.get(ShippingMethod, method_id)
    if method is None:
        raise NotFound(NO_METHOD)
    return method


async def _store_zone(
    session: SessionDep, zone: ShippingZone, body: ShippingZoneIn
) -> ShippingZoneOut:
    """The zone set from `body` and saved (409 `zone_name_taken` when another has the name)."""
    zone.name = body.name
    zone.countries = sorted(set(body.countries))
    await flush_unique(session, Conflict(ZONE_TAKEN, code="zone_name_taken"))
    return ShippingZoneOut.of(zone)


async def _method_out(session: SessionDep, method: ShippingMethod) -> ShippingMethodOut:
    """The method as stored (flushed and read back)."""
    await session.flush()
    await session.refresh(method)
    return ShippingMethodOut.of(method)


@router.get(
    "",
    response_model=ShippingSetupOut,
    summary="Every zone and method",
    responses=behind_token(),
)
async def shipping_setup(_: CatalogStaff, session: SessionDep) -> ShippingSetupOut:
    zones = (await session.scalars(select(ShippingZone).order_by(ShippingZone.name))).all()
    methods = (
        await session.scalars(
            select(ShippingMethod).order_by(ShippingMethod.name, ShippingMethod.id)
        )
    ).all()
    return ShippingSetupOut(
        zones=[ShippingZoneOut.of(z) for z in zones],
        methods=[ShippingMethodOut.of(m) for m in methods],
        fallback_in_use=not any(m.active for m in methods),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ShippingMethodOut,
    summary="Add a shipping method to a zone",
    responses=behind_token(NotFound.documented(NO_ZONE), RequestInvalid),
)
async def create_method(
    body: ShippingMethodIn, _: CatalogStaff, session: SessionDep
) -> ShippingMethodOut:
    await _zone(session, body.zone_id)
    method = ShippingMethod(id=uuid.uuid4(), **body.model_dump())
    session.add(method)
    return await _method_out(session, method)


# `:uuid`: "/zones" is not also a method id (its 405 then names only what /zones serves).
@router.put(
    "/{method_id:uuid}",
    response_model=ShippingMethodOut,
    summary="Change a shipping method (placed orders keep their copies)",
    responses=behind_token(NotFound.documented(f"{NO_METHOD}, or {NO_ZONE}"), RequestInvalid),
)
async def update_method(
    method_id: uuid.UUID, body: ShippingMethodIn, _: CatalogStaff, session: SessionDep
) -> ShippingMethodOut:
    method = await _method(session, method_id)
    await _zone(session, body.zone_id)
    for field, value in body.model_dump().items():
        setattr(method, field, value)
    return await _method_out(session, method)


@router.delete(
    "/{method_id:uuid}",
    response_model=ShippingMethodOut,
    summary="Deactivate a shipping method",
    responses=behind_token(NotFound.documented(NO_METHOD), RequestInvalid),
)
async def deactivate_method(
    method_id: uuid.UUID, _: CatalogStaff, session: SessionDep
) -> ShippingMethodOut:
    method = await _method(session, method_id)
    method.active = False
    return await _method_out(session, method)


@router.post(
    "/zones",
    status_code=status.HTTP_201_CREATED,
    response_model=ShippingZoneOut,
    summary="Add a shipping zone (countries; none: the rest of the world)",
    responses=behind_token(Conflict.documented(ZONE_TAKEN), RequestInvalid),
)
async def create_zone(
    body: ShippingZoneIn, _: CatalogStaff, session: SessionDep
) -> ShippingZoneOut:
    zone = ShippingZone(id=uuid.uuid4())
    session.add(zone)
    return await _store_zone(session, zone, body)


@router.put(
    "/zones/{zone_id}",
    response_model=ShippingZoneOut,
    summary="Change a zone's name or countries",
    responses=behind_token(
        NotFound.documented(NO_ZONE),
        Conflict.documented(ZONE_TAKEN),
        RequestInvalid,
    ),
)
async def update_zone(
    zone_id: uuid.UUID, body: ShippingZoneIn, _: CatalogStaff, session: SessionDep
) -> ShippingZoneOut:
    return await _store_zone(session, await _zone(session, zone_id), body)


@router.delete(
    "/zones/{zone_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a zone without methods",
    responses=behind_token(
        NotFound.documented(NO_ZONE),
        Conflict.documented("The zone still has methods (`code`: `zone_has_methods`)"),
        RequestInvalid,
    ),
)
async def delete_zone(zone_id: uuid.UUID, _: CatalogStaff, session: SessionDep) -> None:
    zone = await _zone(session, zone_id)
    methods = await session.scalar(
        select(func.count()).select_from(ShippingMethod).where(ShippingMethod.zone_id == zone.id)
    )
    if methods:
        raise Conflict("Delete or move the zone's methods first", code="zone_has_methods")
    await session.delete(zone)
