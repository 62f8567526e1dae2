"""HTTP routers of catalog-fulfillment."""

from fastapi import APIRouter

from catalog_fulfillment.api import (
    admin,
    catalog,
    exports,
    fulfillments,
    inventory,
    reviews,
    stores,
)

routers: list[APIRouter] = [
    catalog.router,
    inventory.router,
    reviews.router,
    stores.router,
    fulfillments.router,
    admin.router,
    exports.router,
]
