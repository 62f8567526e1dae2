"""OpenTelemetry traces: one trace per request, followed across the services.

- Every service process has an SDK tracer provider; the FastAPI instrumentation starts a
  server span per request, continuing the caller's W3C `traceparent` when one came.
- The clients shopkit builds for calls between services (`shopkit.http.make_client`) send
  `traceparent`, so catalog-fulfillment's spans join identity-commerce's trace. Other httpx
  clients (Stripe's) are left alone: a trace id is nothing to hand a third party.
- An event carries the `traceparent` of the request that wrote it (`shopkit.events`), the
  relay delivers it under a span of that trace, and notifications handles it under a span
  of that trace too, whether it came by HTTP or through the Lambda-style handler.
- Spans are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (off by
  default); SQL statements get spans only then. Without an exporter the ids still exist, so
  every JSON log line carries `trace_id` and a request can be followed across the services'
  logs.

`OTEL_SDK_DISABLED=true` turns all of it off; the standard `OTEL_TRACES_SAMPLER` and
`OTEL_BSP_*` variables are read by the SDK itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import httpx
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from fastapi import FastAPI

    from shopkit.settings import ServiceSettings

log = logging.getLogger("shopkit.tracing")

TRACEPARENT = "traceparent"
_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("shopkit")
# Probes and scrapes every few seconds would bury the traces worth reading.
UNTRACED_URLS = "/health,/metrics"


class _State:
    provider: TracerProvider | None = None
    exporting = False


def setup_tracing(settings: ServiceSettings) -> TracerProvider:
    """The process's tracer provider, made once (a process runs one service; tests that
    build many apps in one process share the first one)."""
    if _State.provider is not None:
        return _State.provider
    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    endpoint = settings.otel_exporter_otlp_endpoint
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
        # Engines made from now on (the app's, in its lifespan) get a span per statement.
        # (its declared range stops before SQLAlchemy 2.1, whose engine events it uses are
        # unchanged; the one-trace test proves the statements get their spans)
        SQLAlchemyInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
        _State.exporting = True
        log.info("exporting traces to %s", endpoint)
    trace.set_tracer_provider(provider)
    _State.provider = provider
    return provider


def install_tracing(app: FastAPI, settings: ServiceSettings) -> None:
    """Server spans for the app's requests (not /health, not /metrics)."""
    provider = setup_tracing(settings)
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=UNTRACED_URLS,
        exclude_spans=["receive", "send"],
    )


def instrument_client(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """A client span per call and `traceparent` on the request."""
    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=_State.provider)
    return client


# --- trace context in events --------------------------------------------------------------
def current_traceparent() -> str | None:
    """The W3C `traceparent` of the span running now, for an event written in it."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get(TRACEPARENT)


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def current_span_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.span_id, "016x") if context.is_valid else None


@contextlib.contextmanager
def span_for_event(
    name: str, envelope: Mapping[str, Any], *, kind: SpanKind = SpanKind.CONSUMER
) -> Iterator[Span]:
    """A span for work on an event, in the trace of the request that wrote it. When the
    work already runs inside that trace (notifications called by the relay with the same
    `traceparent`), the span is a child of the current one; a missing or malformed
    `traceparent` starts a trace of its own."""
    carried = envelope.get(TRACEPARENT)
    parent = None
    if isinstance(carried, str):
        extracted = _propagator.extract({TRACEPARENT: carried})
        theirs = trace.get_current_span(extracted).get_span_context()
        ours = trace.get_current_span().get_span_context()
        if theirs.is_valid and not (ours.is_valid and ours.trace_id == theirs.trace_id):
            parent = extracted
    token = otel_context.attach(parent) if parent is not None else None
    try:
        with _tracer.start_as_current_span(name, kind=kind) as span:
            event_type = envelope.get("type")
            if isinstance(event_type, str):
                span.set_attribute("messaging.message.type", event_type[:64])
            event_id = envelope.get("event_id")
            if isinstance(event_id, str):
                span.set_attribute("messaging.message.id", event_id[:64])
            yield span
    finally:
        if token is not None:
            otel_context.detach(token)
