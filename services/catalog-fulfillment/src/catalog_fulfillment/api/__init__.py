"""HTTP routers of catalog-fulfillment."""

from fastapi import APIRouter

from catalog_fulfillment.api import inventory

routers: list[APIRouter] = [inventory.router]
