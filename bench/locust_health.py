"""The framework's own ceiling: a bare GET /health on each service, no waiting."""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

TARGETS = {
    "identity-commerce": os.environ["IDENTITY_URL"],
    "catalog-fulfillment": os.environ["CATALOG_URL"],
    "notifications": os.environ["NOTIFICATIONS_URL"],
}
SERVICE = os.environ.get("HEALTH_SERVICE", "catalog-fulfillment")


class HealthProbe(FastHttpUser):
    wait_time = constant(0)
    host = TARGETS[SERVICE]

    @task
    def health(self) -> None:
        self.client.get("/health", name=f"GET /health ({SERVICE})")
