from shopkit.testing.health import HealthChecks


class TestHealth(HealthChecks):
    """shopkit's health, readiness, request id, 404, OpenAPI and declaration checks."""
