"""One checkout followed across the three services as one trace: the services (real
processes) export their spans over OTLP/HTTP to a receiver in this test process, and the
JSON log lines of each service name the same trace."""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from shopkit.testing import free_port

from .shop import Shop, wait_until


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    attributes: dict[str, Any]


class OtlpReceiver(ThreadingHTTPServer):
    """The OTLP/HTTP trace endpoint (`POST /v1/traces`, protobuf) of a collector."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", free_port()), _OtlpHandler)
        self.spans: list[ReceivedSpan] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]


class _OtlpHandler(BaseHTTPRequestHandler):
    server: OtlpReceiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path != "/v1/traces":
            self.send_response(404)
            self.end_headers()
            return
        request = ExportTraceServiceRequest.FromString(body)
        received = []
        for resource_spans in request.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append(
                        ReceivedSpan(
                            service=resource.get("service.name", "?"),
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_span_id=span.parent_span_id.hex(),
                            name=span.name,
                            attributes={
                                a.key: a.value.string_value or a.value.int_value
                                for a in span.attributes
                            },
                        )
                    )
        with self.server.lock:
            self.server.spans.extend(received)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def otlp() -> Iterator[OtlpReceiver]:
    """The receiver, and the environment that points the shop's processes at it (the
    processes inherit it when the module's `shop` starts)."""
    receiver = OtlpReceiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        env.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")  # ms: export soon after a span ends
        yield receiver
    receiver.shutdown()


@pytest.fixture(scope="module")
def traced_shop(otlp: OtlpReceiver, shop: Shop) -> Shop:
    return shop


def log_lines(shop: Shop, service: str) -> list[dict[str, Any]]:
    lines = []
    for raw in (shop.log_dir / f"{service}.log").read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_one_checkout_is_one_trace_across_the_three_services(
    traced_shop: Shop, otlp: OtlpReceiver
) -> None:
    shop = traced_shop
    sku = f"TRACE-{uuid.uuid4().hex[:8].upper()}"
    shop.new_product((sku, "20.00", 3))
    shopper = shop.new_shopper((sku, 1))
    # The caller (a browser with tracing, a gateway) starts the trace.
    trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
    created = shop.create_intent(shopper, traceparent=f"00-{trace_id}-{caller_span}-01")
    assert created.status_code == 201, created.text
    wait_until(lambda: shop.sent("ORDER_PLACED", shopper.email))

    def whole_trace() -> list[ReceivedSpan] | None:
        spans = otlp.trace(trace_id)
        services = {s.service for s in spans}
        # the relay's span ends (and is exported) after notifications answered
        handled = any(s.service == "notifications" and s.name == "handle event" for s in spans)
        handled = handled and any(s.name == "deliver event" for s in spans)
        wanted = {"identity-commerce", "catalog-fulfillment", "notifications"}
        return spans if wanted <= services and handled else None

    spans = wait_until(whole_trace, timeout=20)
    by_id = {s.span_id: s for s in spans}

    # identity-commerce: the request continues the caller's trace
    checkout = next(
        s for s in spans if s.service == "identity-commerce" and s.parent_span_id == caller_span
    )
    assert "create-payment-intent" in checkout.name
    # its SQL has spans in the trace
    assert any(s.service == "identity-commerce" and s.attributes.get("db.system") for s in spans)
    # catalog-fulfillment's reserve is a child of an identity-commerce call
    reserve = next(
        s for s in spans if s.service == "catalog-fulfillment" and "/inventory/reserve" in s.name
    )
    assert by_id[reserve.parent_span_id].service == "identity-commerce"
    assert any(s.service == "catalog-fulfillment" and s.attributes.get("db.system") for s in spans)
    # the ORDER_PLACED event went out through the outbox in the same trace ...
    deliver = next(
        s for s in spans if s.service == "identity-commerce" and s.name == "deliver event"
    )
    assert deliver.attributes.get("messaging.message.type") == "ORDER_PLACED"
    # ... and notifications handled it as part of it, called by the relay
    notify = next(
        s for s in spans if s.service == "notifications" and s.name.startswith("POST /notify")
    )
    assert by_id[notify.parent_span_id].service == "identity-commerce"
    handle = next(s for s in spans if s.service == "notifications" and s.name == "handle event")
    assert handle.attributes.get("messaging.message.type") == "ORDER_PLACED"

    # The services' JSON log lines carry the trace id (and every line has the keys).
    identity_lines = [
        line for line in log_lines(shop, "identity-commerce") if line["trace_id"] == trace_id
    ]
    assert any(line["logger"] == "shopkit.access" and line["request_id"] for line in identity_lines)
    notifications_lines = [
        line for line in log_lines(shop, "notifications") if line["trace_id"] == trace_id
    ]
    assert any(line["logger"] == "notifications.intake" for line in notifications_lines)


@pytest.mark.parametrize("service", ["identity-commerce", "catalog-fulfillment", "notifications"])
def test_every_log_line_is_json_with_request_and_trace_ids(traced_shop: Shop, service: str) -> None:
    raw = (traced_shop.log_dir / f"{service}.log").read_text().splitlines()
    assert raw
    for text in raw:
        line = json.loads(text)  # nothing in plain text, uvicorn's lines included
        assert {"ts", "level", "service", "logger", "msg", "request_id", "trace_id"} <= set(line)
