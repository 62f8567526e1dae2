"""Notifications service: the FastAPI application, built from its declaration (service.py).

Run with `uvicorn notifications.main:create_app --factory --port 8010`.
"""

from notifications.service import SERVICE

create_app = SERVICE.create_app
