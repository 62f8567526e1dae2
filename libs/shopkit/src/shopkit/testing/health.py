"""The checks every service passes, run against its own app: a service's
`tests/test_health.py` is

    class TestHealth(HealthChecks):
        "shopkit's shared checks, on this service."

They use the plugin's `client` (the in-process app, on the service's migrated test
database) and `service_under_test` built by `ServiceUnderTest.declared`.
"""

from __future__ import annotations

import httpx
import pytest

from shopkit.service import ServiceDeclaration
from shopkit.testing.plugin import ServiceUnderTest


def _declaration(service_under_test: ServiceUnderTest) -> ServiceDeclaration:
    assert service_under_test.declaration is not None, "use ServiceUnderTest.declared(SERVICE)"
    return service_under_test.declaration


class HealthChecks:
    async def test_health_answers_ok(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        response = await client.get("/health")
        assert response.status_code == 200
        name = _declaration(service_under_test).name
        assert response.json() == {"status": "ok", "service": name}

    async def test_ready_checks_the_database(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/ready")
        assert response.status_code == 200
        assert response.json()["database"] == "ok"

    async def test_request_id_is_echoed_or_made(self, client: httpx.AsyncClient) -> None:
        given = await client.get("/health", headers={"X-Request-ID": "abc-123"})
        assert given.headers["X-Request-ID"] == "abc-123"
        made = await client.get("/health")
        assert len(made.headers["X-Request-ID"]) == 32

    async def test_unknown_route_is_json_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/no-such-thing")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}

    async def test_openapi_document_renders(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/docs")).status_code == 200

    def test_settings_agree_with_the_declaration(
        self, service_under_test: ServiceUnderTest, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The name the service reports, the database it defaults to and the variable that
        moves it are the ones scripts/, the Makefile and compose read from the declaration."""
        declared = _declaration(service_under_test)
        url = "postgresql+psycopg://someone@db.example:5432/elsewhere"
        monkeypatch.setenv(declared.database_env, url)
        settings = service_under_test.settings_cls()
        assert settings.service_name == declared.name
        assert settings.default_database.endswith(declared.database)
        assert settings.sqlalchemy_url == url
