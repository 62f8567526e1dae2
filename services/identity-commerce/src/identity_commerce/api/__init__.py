"""HTTP routers of identity-commerce."""

from fastapi import APIRouter

routers: list[APIRouter] = []
