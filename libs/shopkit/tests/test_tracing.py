"""Trace context in events and on log lines (the whole path across three services is
tests/acceptance/test_one_trace.py)."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry import trace
from shopkit.events import make_event
from shopkit.observability import configure_logging
from shopkit.tracing import current_traceparent, setup_tracing, span_for_event

from .conftest import KitSettings


@pytest.fixture(autouse=True)
def provider() -> None:
    setup_tracing(KitSettings())


def test_an_event_carries_the_traceparent_of_the_span_that_wrote_it() -> None:
    with trace.get_tracer("test").start_as_current_span("request") as span:
        event = make_event("ORDER_PAID", source="identity-commerce", data={"a": None})
    context = span.get_span_context()
    flags = int(context.trace_flags)
    assert event.traceparent == f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"
    assert event.to_json_dict()["traceparent"] == event.traceparent
    assert event.to_json_dict()["data"] == {"a": None}  # None in data is kept


def test_an_event_written_outside_a_trace_has_no_traceparent_key() -> None:
    event = make_event("ORDER_PAID", source="identity-commerce", data={})
    assert current_traceparent() is None
    assert "traceparent" not in event.to_json_dict()


def test_handling_joins_the_trace_of_the_event() -> None:
    with trace.get_tracer("test").start_as_current_span("request") as writer:
        envelope = make_event("ORDER_PAID", source="s", data={}).to_json_dict()
    with span_for_event("handle event", envelope) as span:
        ours = span.get_span_context()
    assert ours.trace_id == writer.get_span_context().trace_id
    assert span.parent is not None and span.parent.span_id == writer.get_span_context().span_id
    assert span.attributes is not None and span.attributes["messaging.message.type"] == "ORDER_PAID"


@pytest.mark.parametrize("carried", ["garbage", "00-" + "0" * 32 + "-" + "0" * 16 + "-01", 42])
def test_a_malformed_traceparent_starts_a_trace_of_its_own(carried: object) -> None:
    with span_for_event("handle event", {"traceparent": carried, "type": "X"}) as span:
        context = span.get_span_context()
    assert context.is_valid
    assert span.parent is None


def test_uvicorn_lines_go_out_as_json_with_request_and_trace_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("shopkit-tests")
    with trace.get_tracer("test").start_as_current_span("request") as span:
        # error: an in-process uvicorn elsewhere in the run may have set this logger to ERROR
        logging.getLogger("uvicorn.error").error("Exception in ASGI application")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["logger"] == "uvicorn.error" and line["msg"] == "Exception in ASGI application"
    assert line["trace_id"] == f"{span.get_span_context().trace_id:032x}"
    assert "request_id" in line
