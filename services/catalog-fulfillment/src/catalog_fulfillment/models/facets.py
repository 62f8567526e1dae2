"""Active products counted per category and price band (listing totals and facets)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from catalog_fulfillment.db.base import Base


class CatalogFacetCount(Base):
    """Kept exact by statement triggers on products (migration 0006), in the writing
    transaction: read-only for the application. `band` indexes PRICE_BANDS of
    services/catalog.py, computed by the SQL function catalog_price_band(min_price)."""

    __tablename__ = "catalog_facet_counts"

    category_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    products: Mapped[int] = mapped_column(BigInteger)
