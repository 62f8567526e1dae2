"""HTTP routers of notifications."""

from fastapi import APIRouter

from notifications.api.notifications import router as sent_log_router
from notifications.api.notify import router as notify_router

routers: list[APIRouter] = [notify_router, sent_log_router]
