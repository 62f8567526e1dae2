"""HTTP routers of catalog-fulfillment."""

from fastapi import APIRouter

routers: list[APIRouter] = []
