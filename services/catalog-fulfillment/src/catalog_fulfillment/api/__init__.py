"""HTTP routers of catalog-fulfillment."""

from fastapi import APIRouter

from catalog_fulfillment.api import admin, catalog, inventory

routers: list[APIRouter] = [catalog.router, inventory.router, admin.router]
