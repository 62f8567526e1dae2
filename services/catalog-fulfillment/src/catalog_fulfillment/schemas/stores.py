"""Store locator responses."""

import uuid
from typing import Any

from pydantic import BaseModel
from shopkit.pages import Page


class StoreOut(BaseModel):
    id: uuid.UUID
    name: str
    address: str
    city: str
    region: str | None
    postal_code: str | None
    country: str
    lat: float
    lng: float
    phone: str | None
    opening_hours: dict[str, Any]  # {"mon": "09:00-20:00", ..., "sun": "closed"}


class NearbyStore(StoreOut):
    distance_km: float  # great-circle distance from the given point, 0.01 km precision


class StorePage(Page[StoreOut]):
    pass


class NearbyStores(BaseModel):
    items: list[NearbyStore]
    lat: float
    lng: float
    radius_km: float
