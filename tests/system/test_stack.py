"""The system-test stack itself: every process answers and trusts the others' tokens."""

from __future__ import annotations

import httpx

from .stack import Stack, bearer


def test_every_service_is_ready(stack: Stack) -> None:
    for name in ("identity", "catalog", "notifications"):
        response = httpx.get(f"{stack.url(name)}/health/ready", timeout=5)
        assert response.status_code == 200, (name, response.text)


def test_service_tokens_of_one_service_are_accepted_by_another(stack: Stack) -> None:
    token = stack.tokens.service("identity-commerce")
    response = httpx.get(f"{stack.notifications}/notifications", headers=bearer(token), timeout=5)
    assert response.status_code == 200
