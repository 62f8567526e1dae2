"""Turn whatever arrived into a `ValidEvent`, or a 422 that says exactly what is wrong."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from shopkit.errors import ProblemError
from shopkit.events import EventType

from notifications.schemas.events import (
    DATA_MODELS,
    SUPPORTED_VERSIONS,
    InboundEnvelope,
    ValidEvent,
)

KNOWN_TYPES = ", ".join(t.value for t in EventType)


class EventRejected(ProblemError):
    """The envelope or its data is invalid: 422 with FastAPI-style error items."""

    status_code = 422
    default_detail = "Invalid event"


def _problem(loc: tuple[str | int, ...], msg: str, kind: str) -> dict[str, Any]:
    return {"type": kind, "loc": ["body", *loc], "msg": msg}


def _pydantic_problems(exc: ValidationError, prefix: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    problems = []
    for err in exc.errors(include_url=False, include_context=False):
        item = _problem((*prefix, *err["loc"]), err["msg"], err["type"])
        value = err.get("input")
        if isinstance(value, str | int | bool) or value is None:
            item["input"] = value[:200] if isinstance(value, str) else value
        problems.append(item)
    return problems


def parse_event(raw: Any) -> ValidEvent:
    if not isinstance(raw, dict):
        raise EventRejected(
            [_problem((), "the body must be a JSON object (the event envelope)", "dict_type")]
        )
    try:
        envelope = InboundEnvelope.model_validate(raw)
    except ValidationError as exc:
        raise EventRejected(_pydantic_problems(exc)) from None

    try:
        event_type = EventType(envelope.type)
    except ValueError:
        raise EventRejected(
            [
                _problem(
                    ("type",),
                    f"unknown event type {envelope.type!r}; known types: {KNOWN_TYPES}",
                    "unknown_event_type",
                )
            ]
        ) from None
    if envelope.version not in SUPPORTED_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
        raise EventRejected(
            [
                _problem(
                    ("version",),
                    f"version {envelope.version} of {event_type.value} is not supported "
                    f"(supported: {supported})",
                    "unsupported_version",
                )
            ]
        )

    try:
        data = DATA_MODELS[event_type].model_validate(envelope.data)
    except ValidationError as exc:
        raise EventRejected(_pydantic_problems(exc, ("data",))) from None

    return ValidEvent(
        event_id=envelope.event_id,
        type=event_type,
        version=envelope.version,
        occurred_at=envelope.occurred_at,
        source=envelope.source,
        data=data,
    )
