"""Store locator: list, one store, and the nearest stores to a point."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from shopkit.bodies import read_body
from shopkit.errors import NotFound, error_responses
from shopkit.fields import SafeText

from catalog_fulfillment.api.deps import BulkPaging, ReadSessionDep
from catalog_fulfillment.schemas.stores import NearbyStore, NearbyStores, StoreOut, StorePage
from catalog_fulfillment.services import stores

router = APIRouter(prefix="/stores", tags=["stores"])

# A store locator answers "which stores can I get to"; 1000 km already spans a country, so a
# larger radius is a mistake (metres passed as km) rather than a question worth a full scan.
# Below 10 m no store is "nearby" in any useful sense, and a vanishing radius (5e-324) makes
# earthdistance's box arithmetic underflow in PostgreSQL.
MAX_RADIUS_KM = 1000
MIN_RADIUS_KM = 0.01
# Coordinates are used to 6 decimal places (about 0.1 m): a subnormal value such as 5e-324
# would otherwise underflow inside radians()/sin() in PostgreSQL, which raises on underflow.
COORDINATE_DECIMALS = 6


@router.get("", response_model=StorePage, summary="All stores, by country, city and name")
async def list_stores(
    session: ReadSessionDep,
    paging: BulkPaging,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    city: Annotated[SafeText | None, Query(min_length=1, max_length=120)] = None,
) -> StorePage:
    items, total = await stores.list_stores(
        session, country=country, city=city, page=paging.page, page_size=paging.page_size
    )
    return StorePage.of(
        [StoreOut.model_validate(s, from_attributes=True) for s in items], total, paging
    )


def _nearby_store(store: Any, km: float) -> NearbyStore:
    """From a Store or a row of its columns."""
    return read_body(NearbyStore, store, distance_km=round(km, 2))


@router.get(
    "/nearby",
    response_model=NearbyStores,
    summary="Stores within radius_km of a point, nearest first, with distance_km",
)
async def nearby(
    session: ReadSessionDep,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    lng: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    radius_km: Annotated[
        float, Query(ge=MIN_RADIUS_KM, le=MAX_RADIUS_KM, allow_inf_nan=False)
    ] = 25,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    lat, lng = round(lat, COORDINATE_DECIMALS), round(lng, COORDINATE_DECIMALS)
    found = await stores.nearby(session, lat=lat, lng=lng, radius_km=radius_km, limit=limit)
    page = NearbyStores(
        items=[_nearby_store(store, km) for store, km in found],
        lat=lat,
        lng=lng,
        radius_km=radius_km,
    )
    # Serialised here: returning the model would have FastAPI validate it a second time.
    return Response(content=page.model_dump_json(), media_type="application/json")


@router.get(
    "/{store_id}",
    response_model=StoreOut,
    summary="One store",
    responses=error_responses(NotFound.documented("No such store")),
)
async def read_store(store_id: uuid.UUID, session: ReadSessionDep) -> StoreOut:
    return StoreOut.model_validate(await stores.get_store(session, store_id), from_attributes=True)
