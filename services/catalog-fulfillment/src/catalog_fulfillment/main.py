"""Catalog & Fulfillment service: the FastAPI application, built from its declaration
(service.py).

Run with `uvicorn catalog_fulfillment.main:create_app --factory --port 8002`.
"""

from catalog_fulfillment.service import SERVICE

create_app = SERVICE.create_app
