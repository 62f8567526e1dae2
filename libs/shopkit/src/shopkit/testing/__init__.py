"""Test support shared by the services: a pytest plugin (registered as `shopkit` via the
pytest11 entry point) plus helpers for databases, tokens and live uvicorn processes."""

from shopkit.testing.database import TestDatabases, create_database, drop_database
from shopkit.testing.live import LiveService, free_port, start_process, wait_for_http
from shopkit.testing.plugin import ServiceUnderTest, declared_service_fixture
from shopkit.testing.tokens import TokenFactory

__all__ = [
    "LiveService",
    "ServiceUnderTest",
    "TestDatabases",
    "TokenFactory",
    "create_database",
    "declared_service_fixture",
    "drop_database",
    "free_port",
    "start_process",
    "wait_for_http",
]
