"""HTTP routers of notifications."""

from fastapi import APIRouter

routers: list[APIRouter] = []
