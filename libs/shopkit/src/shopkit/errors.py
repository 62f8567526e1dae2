"""Errors as FastAPI-style JSON `{"detail": ...}`, never a stack trace.

Service code raises `ProblemError` subclasses; the handlers installed by `install_error_handlers`
turn them, validation errors and anything unexpected into clean responses.

Each error class also says how OpenAPI documents it (its status, what the status means, the
schema of its body), so a route lists the errors it can answer rather than writing their
responses by hand:

    @router.get("/{id}", responses=error_responses(Forbidden, NotFound.documented("No such id")))
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger("shopkit.errors")


class Problem(BaseModel):
    """Every error body: `detail` says what went wrong (some errors add fields, e.g. `code`)."""

    detail: Any


class ValidationProblem(BaseModel):
    """A request the schema rules out (422): one entry per problem, as FastAPI reports it."""

    detail: list[dict[str, Any]]


@dataclass(frozen=True)
class DocumentedError:
    """One entry of a route's `responses=`: see `ProblemError.documented`."""

    status_code: int
    description: str
    body_schema: type[BaseModel]


class ProblemError(Exception):
    status_code = 400
    default_detail = "Bad request"
    # What OpenAPI says of this answer, and the schema of its body.
    description: ClassVar[str] = "Bad request"
    body_schema: ClassVar[type[BaseModel]] = Problem

    @classmethod
    def documented(
        cls, description: str | None = None, *, body: type[BaseModel] | None = None
    ) -> DocumentedError:
        """This error as a route documents it, with what it means there (`description`) and
        a body of its own where the route adds fields (`body`)."""
        return DocumentedError(
            cls.status_code, description or cls.description, body or cls.body_schema
        )

    def __init__(
        self,
        detail: Any = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.headers = headers
        self.extra = extra
        super().__init__(str(self.detail))

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, **self.extra}


class BadRequest(ProblemError):
    status_code = 400
    default_detail = "Bad request"


class Unauthorized(ProblemError):
    status_code = 401
    default_detail = "Not authenticated"
    description = "Missing, invalid or expired token"

    def __init__(self, detail: Any = None, **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class PaymentRequired(ProblemError):
    status_code = 402
    default_detail = "Payment declined"
    description = "Payment declined"


class MethodNotAllowed(ProblemError):
    status_code = 405
    default_detail = "Method Not Allowed"
    description = "The path does not take this method"


class PayloadTooLarge(ProblemError):
    status_code = 413
    default_detail = "Request body too large"
    description = "Request body too large"


class RequestInvalid(ProblemError):
    """What FastAPI answers for a request its schema rules out (raised by FastAPI itself as
    RequestValidationError; this class documents it)."""

    status_code = 422
    default_detail = "Validation error"
    description = "Validation error"
    body_schema = ValidationProblem


class Forbidden(ProblemError):
    status_code = 403
    default_detail = "Not allowed"
    description = "The token's role may not do this"


class NotFound(ProblemError):
    status_code = 404
    default_detail = "Not found"
    description = "Not found, or not yours"


class Conflict(ProblemError):
    status_code = 409
    default_detail = "Conflict"
    description = "Conflict with the current state"


class TooManyRequests(ProblemError):
    status_code = 429
    default_detail = "Too many requests"
    description = "Too many attempts; see Retry-After"

    def __init__(self, detail: Any = None, *, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))}, **extra)


class ServiceUnavailable(ProblemError):
    status_code = 503
    default_detail = "A service this request needs is unavailable; try again shortly"
    description = "A dependency is down; see Retry-After"

    def __init__(self, detail: Any = None, *, retry_after: int = 5, **extra: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, **extra)


def error_responses(*errors: type[ProblemError] | DocumentedError) -> dict[int | str, Any]:
    """`responses=` for a route, from the errors it can answer:
    `error_responses(Unauthorized, NotFound.documented("No such address"))`."""
    documented = [e if isinstance(e, DocumentedError) else e.documented() for e in errors]
    return {
        error.status_code: {"model": error.body_schema, "description": error.description}
        for error in documented
    }


# An error class as it documents itself, or one `.documented(...)` for a route.
Documented = type[ProblemError] | DocumentedError


def behind_token(
    *errors: Documented, unauthorized: Documented = Unauthorized, forbidden: Documented = Forbidden
) -> dict[int | str, Any]:
    """`responses=` of a route that takes a token: 401 (`unauthorized`) for a missing,
    invalid or expired one, 403 (`forbidden`) for one that may not do this, then what the
    route itself can answer (`errors`, in the order documented)."""
    return error_responses(unauthorized, forbidden, *errors)


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


async def _problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return _json(exc.status_code, exc.body(), exc.headers)


BODY_PARSE_ERROR = "There was an error parsing the body"
HTTP_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
        # FastAPI answers 400 for a body that is not even text; malformed JSON is 422, so a
        # body that cannot be parsed at all is reported the same way.
        error = {"type": "json_invalid", "loc": ["body"], "msg": "Request body is not valid JSON"}
        return _json(422, {"detail": [error]})
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return _json(exc.status_code, {"detail": exc.detail}, headers or None)


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path. Starlette's own 405 names only the
    methods of the first route whose path matched, but FastAPI makes one route per method,
    so `GET /x` and `POST /x` are two routes and its `Allow` would leave one out. Each
    method is tried against the routes (`matches` is the one interface every kind of route,
    included routers too, has)."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)


def _encodable(value: Any) -> Any:
    """A string JSON may carry (`"\\ud800"`) but UTF-8 cannot encode (a lone surrogate) would
    make the error response itself fail; such characters are replaced by '?'."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the raw exception objects pydantic puts in `ctx`."""
    cleaned = []
    for err in errors:
        item = {k: v for k, v in err.items() if k in ("type", "msg")}
        if "loc" in err:
            item["loc"] = [_encodable(part) for part in err["loc"]]
        if "msg" in item:
            item["msg"] = _encodable(item["msg"])
        if "input" in err and isinstance(err["input"], str | int | float | bool | None):
            item["input"] = (
                err["input"]
                if not isinstance(err["input"], str)
                else _encodable(err["input"][:200])
            )
        cleaned.append(item)
    return cleaned


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _json(422, {"detail": _jsonable_errors(exc.errors())})


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "database error on %s %s: %s", request.method, request.url.path, exc.__class__.__name__
    )
    return _json(503, {"detail": "Database unavailable; try again shortly"}, {"Retry-After": "5"})


async def _pool_exhausted(request: Request, exc: Exception) -> JSONResponse:
    # Every pooled connection is busy (a burst, or slow queries): the request did nothing,
    # so it is safe to try again in a moment.
    log.warning("no free database connection for %s %s", request.method, request.url.path)
    return _json(503, {"detail": "The shop is busy; try again shortly"}, {"Retry-After": "1"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _json(500, {"detail": "Internal server error"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(DBAPIError, _database_down_or_unexpected)
    app.add_exception_handler(Exception, _unexpected)


async def _database_down_or_unexpected(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated:
        return await _database_down(request, exc)
    return await _unexpected(request, exc)
