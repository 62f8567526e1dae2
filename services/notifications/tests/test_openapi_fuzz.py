"""Schemathesis against notifications' own OpenAPI document (shopkit.testing.fuzz): no 5xx,
only declared statuses and shapes, invalid input refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from shopkit.testing import ServiceUnderTest
from shopkit.testing.fuzz import assert_openapi_contract
from shopkit.testing.tokens import TokenFactory


@pytest.fixture
async def api_schema(
    clone_database: Any, service_under_test: ServiceUnderTest, keys_dir: Path
) -> AsyncIterator[Any]:
    # Same as shopkit's fixture, but the clone is taken after closing this run's pooled
    # connections to the template database (other tests have used it by now).
    sut = service_under_test
    settings = sut.settings_cls(
        database_url=await clone_database("fuzz"),
        keys_dir=keys_dir,
        env="test",
        **sut.settings_overrides,
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", sut.app_factory(settings))


def test_openapi_contract(api_schema: Any, tokens: TokenFactory) -> None:
    assert_openapi_contract(api_schema, tokens, service_only_paths=("/notify",))
