"""Schemathesis against a service's own OpenAPI document, in-process (ASGI).

A service's `tests/test_openapi_fuzz.py` needs only:

    from shopkit.testing.fuzz import api_schema, assert_openapi_contract  # noqa: F401

    def test_openapi_contract(api_schema, tokens):
        assert_openapi_contract(api_schema, tokens, service_only_paths=("/inventory/reserve",))

The app runs on a fresh clone of the migrated test database (its requests commit for real).
Every operation gets schema-valid and schema-invalid requests carrying a valid token (a
service token for service-only paths, an admin token otherwise); each response must not be
a 5xx, must use a status code and content type the document declares, must match the
declared schema. (Schemathesis' negative_data_rejection is left out: FastAPI ignores
unknown query parameters by design, and the token header is always set here.) The cases are
derandomized, so a failure reproduces on the next run. Operations are driven one by one with
Hypothesis directly (rather than schemathesis' pytest parametrisation) so pytest's internals
don't matter; every failure is collected and reported together.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shopkit.testing.database import TestDatabases
from shopkit.testing.plugin import ServiceUnderTest
from shopkit.testing.tokens import TokenFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="session")
def api_schema(
    service_under_test: ServiceUnderTest, test_databases: TestDatabases, keys_dir: Path
) -> Iterator[Any]:
    sut = service_under_test
    overrides = {
        "database_url": test_databases.clone("fuzz"),
        "keys_dir": keys_dir,
        "env": "test",
        "outbox_relay_enabled": False,
        **sut.settings_overrides,
    }
    app = sut.app_factory(sut.settings_cls(**overrides))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)


def assert_openapi_contract(
    schema: Any,
    tokens: TokenFactory,
    *,
    service_only_paths: tuple[str, ...] = (),
    skip_paths: tuple[str, ...] = (),
    max_examples: int = 25,
) -> None:
    failures: list[str] = []
    admin, service = tokens.admin(), tokens.service()
    for result in schema.get_all_operations():
        operation = result.ok()
        if any(operation.path.startswith(p) for p in skip_paths):
            continue
        token = service if any(operation.path.startswith(p) for p in service_only_paths) else admin
        headers = {"Authorization": f"Bearer {token}"}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.extend(f[:1500] for f in _exercise(operation, mode, headers, max_examples))
    assert not failures, "\n\n".join(failures)


def _exercise(
    operation: Any, mode: GenerationMode, headers: dict[str, str], examples: int
) -> list[str]:
    """Run one operation in one generation mode; return its first failure, if any."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case: Any) -> None:
        if found:
            return  # one failure per operation and mode is enough to report
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # collect, report all at once
            found.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")

    try:
        exercise()
    except Unsatisfiable:
        pass  # e.g. no invalid request exists for an operation without parameters
    return found
