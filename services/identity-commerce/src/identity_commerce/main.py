"""Identity & Commerce service: the FastAPI application, built from its declaration
(service.py).

Run with `uvicorn identity_commerce.main:create_app --factory --port 8001`.
"""

from identity_commerce.service import SERVICE

create_app = SERVICE.create_app
