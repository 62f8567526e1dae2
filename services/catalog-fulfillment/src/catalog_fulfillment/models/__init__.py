"""SQLAlchemy models of catalog-fulfillment. Import every model here so Alembic sees it."""

from shopkit.outbox import OutboxMixin

from catalog_fulfillment.db.base import Base
from catalog_fulfillment.models.catalog import (
    Category,
    Product,
    ProductImage,
    ProductView,
    Variant,
)
from catalog_fulfillment.models.facets import CatalogFacetCount
from catalog_fulfillment.models.fulfillments import Fulfillment
from catalog_fulfillment.models.inventory import (
    InventoryItem,
    Reservation,
    ReservationItem,
    Restock,
)
from catalog_fulfillment.models.reviews import PurchaseCheck, Review
from catalog_fulfillment.models.search import SearchTerm
from catalog_fulfillment.models.stores import Store


class OutboxMessage(OutboxMixin, Base):
    """Events waiting for delivery to notifications (same transaction as the change)."""


__all__ = [
    "Base",
    "CatalogFacetCount",
    "Category",
    "Fulfillment",
    "InventoryItem",
    "OutboxMessage",
    "Product",
    "ProductView",
    "ProductImage",
    "PurchaseCheck",
    "Reservation",
    "ReservationItem",
    "Restock",
    "Review",
    "SearchTerm",
    "Store",
    "Variant",
]
