"""Error bodies as they appear in OpenAPI: every error is `{"detail": ...}` (shopkit.errors)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_DEFAULT_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, invalid or expired token",
    402: "Payment declined",
    403: "The token's role may not do this",
    404: "Not found, or not yours",
    409: "Conflict with the current state",
    413: "Request body too large",
    422: "Validation error",
    429: "Too many attempts; see Retry-After",
    503: "A dependency is down; see Retry-After",
}


class Problem(BaseModel):
    detail: Any


class ValidationProblem(BaseModel):
    detail: list[dict[str, Any]]


def problem_responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: `problem_responses(401, 404, e404="No such address")`."""
    result: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        model = ValidationProblem if code == 422 else Problem
        description = descriptions.get(f"e{code}", _DEFAULT_DESCRIPTIONS.get(code, "Error"))
        result[code] = {"model": model, "description": description}
    return result
