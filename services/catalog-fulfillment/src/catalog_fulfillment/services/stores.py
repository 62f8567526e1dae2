"""Store locator: nearest stores within a radius, by great-circle distance.

The prefilter is earthdistance's `earth_box(...) @> ll_to_earth(lat, lng)`, backed by the
GiST index `ix_stores_earth`; it is a cube around the point (correct across the date line
and near the poles) that may contain a few stores slightly too far, so the exact
great-circle (haversine) distance on the mean Earth radius decides and orders.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from shopkit.errors import NotFound
from shopkit.pages import count_rows, one_page
from sqlalchemy import ColumnElement, Float, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_fulfillment.models import Store
from catalog_fulfillment.services.driver_reads import fetch_all

MEAN_EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius: what published city distances use
# earthdistance measures on a sphere of radius earth() = 6378168 m; a box that big in its
# units holds every point within radius_km on the mean sphere (plus a safety margin).
EARTH_BOX_SCALE = 6378.168 / MEAN_EARTH_RADIUS_KM * 1.001


def great_circle_km(lat: ColumnElement[float], lng: ColumnElement[float]) -> ColumnElement[float]:
    """Haversine distance from (lat, lng) to each store, in km on the mean Earth sphere."""
    half_dlat = func.radians(Store.lat - lat) / 2
    half_dlng = func.radians(Store.lng - lng) / 2
    a = func.power(func.sin(half_dlat), 2) + func.cos(func.radians(lat)) * func.cos(
        func.radians(Store.lat)
    ) * func.power(func.sin(half_dlng), 2)
    return 2 * MEAN_EARTH_RADIUS_KM * func.asin(func.least(1.0, func.sqrt(a)))


def _nearby_query() -> Select[Any]:
    """Built once; the point, box size and radius are bound per call."""
    lat, lng = bindparam("lat", type_=Float), bindparam("lng", type_=Float)
    distance_km = great_circle_km(lat, lng).label("distance_km")
    in_box = func.earth_box(func.ll_to_earth(lat, lng), bindparam("box_m", type_=Float)).op("@>")(
        func.ll_to_earth(Store.lat, Store.lng)
    )
    # Plain columns, not Store objects: 20 rows of a store locator need no identity map.
    return (
        select(*Store.__table__.c, distance_km)
        .where(in_box, great_circle_km(lat, lng) <= bindparam("radius_km", type_=Float))
        .order_by(distance_km, Store.id)
        .limit(bindparam("limit"))
    )


NEARBY = _nearby_query()


async def nearby(
    session: AsyncSession, *, lat: float, lng: float, radius_km: float, limit: int
) -> list[tuple[Any, float]]:
    """(store row, distance in km) pairs; a row has the attributes of a Store."""
    names, rows = await fetch_all(
        session,
        NEARBY,
        {
            "lat": lat,
            "lng": lng,
            "box_m": radius_km * 1000 * EARTH_BOX_SCALE,
            "radius_km": radius_km,
            "limit": limit,
        },
    )
    stores = [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in rows]
    return [(store, float(store.distance_km)) for store in stores]


async def get_store(session: AsyncSession, store_id: uuid.UUID) -> Store:
    store = await session.get(Store, store_id)
    if store is None:
        raise NotFound("No such store")
    return store


async def list_stores(
    session: AsyncSession, *, country: str | None, city: str | None, page: int, page_size: int
) -> tuple[list[Store], int]:
    where = []
    if country:
        where.append(Store.country == country.upper())
    if city:
        where.append(func.lower(Store.city) == city.lower())
    total = await count_rows(session, Store, *where)
    listed = select(Store).where(*where).order_by(Store.country, Store.city, Store.name, Store.id)
    stores = (await session.scalars(one_page(listed, page, page_size))).all()
    return list(stores), total
