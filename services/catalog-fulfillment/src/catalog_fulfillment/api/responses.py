"""OpenAPI descriptions of the error responses, so every endpoint declares what it can answer."""

from typing import Any

from catalog_fulfillment.schemas.common import ConflictBody, ErrorBody

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid token",
    403: "The token's role may not do this",
    404: "Not found",
    409: "Conflict with the current state",
    503: "A dependency is unavailable; retry after Retry-After seconds",
}


def errors(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: `errors(401, 404, not_found="No such product")`."""
    custom = {
        400: descriptions.get("bad_request"),
        403: descriptions.get("forbidden"),
        404: descriptions.get("not_found"),
        409: descriptions.get("conflict"),
    }
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        model = ConflictBody if code == 409 else ErrorBody
        out[code] = {"model": model, "description": custom.get(code) or _DESCRIPTIONS[code]}
    return out
