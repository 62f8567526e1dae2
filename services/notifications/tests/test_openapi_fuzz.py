"""Schemathesis against notifications' own OpenAPI document (shopkit.testing.fuzz): no 5xx,
only declared statuses and shapes, invalid input refused."""

from __future__ import annotations

from typing import Any

from shopkit.testing.fuzz import api_schema, assert_openapi_contract  # noqa: F401
from shopkit.testing.tokens import TokenFactory


def test_openapi_contract(api_schema: Any, tokens: TokenFactory) -> None:  # noqa: F811
    assert_openapi_contract(api_schema, tokens, service_only_paths=("/notify",))
