"""Physical stores for the store locator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shopkit.db import UUIDPrimaryKey, utcnow
from sqlalchemy import CheckConstraint, Float, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from catalog_fulfillment.db.base import Base


class Store(UUIDPrimaryKey, Base):
    __tablename__ = "stores"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    # Coordinates are geographic degrees; a float is exact enough (1e-7 deg ~ 1 cm).
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(40))
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lng BETWEEN -180 AND 180", name="lng_range"),
        # earthdistance: a GiST index over the point on the earth cube backs the
        # bounding-box prefilter of /stores/nearby.
        Index("ix_stores_earth", text("ll_to_earth(lat, lng)"), postgresql_using="gist"),
        Index("ix_stores_city", "country", "city"),
    )
