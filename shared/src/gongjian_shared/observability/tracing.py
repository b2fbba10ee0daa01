"""Trace context: a W3C `traceparent` for every request and every event it causes, and OpenTelemetry spans
when switched on (`<P>_TRACING__ENABLED`; exporting nowhere unless `<P>_TRACING__EXPORTER` names one).

Without OpenTelemetry the request's `traceparent` is a child of the caller's (or a new trace), so the ids in
log lines and event envelopes join up all the same; with it, the span ids are those of real spans.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gongjian_shared.observability.context import TRACEPARENT_HEADER, child_traceparent, traceparent_var
from gongjian_shared.settings import TracingSettings

logger = logging.getLogger("gongjian.tracing")


_tracer: Any = None


def configure_tracing(settings: TracingSettings, service_name: str) -> None:
    """Install an OpenTelemetry tracer provider for this process when the settings switch it on."""
    global _tracer
    if not settings.enabled:
        return
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        sampler=ParentBased(TraceIdRatioBased(settings.sample_ratio)),
    )
    if settings.exporter == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    _tracer = provider.get_tracer("gongjian")
    logger.info("OpenTelemetry tracing on for %s (exporter: %s)", service_name, settings.exporter)


def tracing_enabled() -> bool:
    return _tracer is not None


@contextmanager
def traced(name: str, parent: str | None, kind: str = "server", **attributes: Any) -> Iterator[str]:
    """Run the block as a span whose parent is `parent` (a traceparent, or None for a new trace); the span's
    own traceparent is in `traceparent_var` meanwhile, and yielded."""
    if _tracer is None:
        current = child_traceparent(parent)
        token = traceparent_var.set(current)
        try:
            yield current
        finally:
            traceparent_var.reset(token)
        return
    yield from _otel_span(name, parent, kind, attributes)


def _otel_span(name: str, parent: str | None, kind: str, attributes: dict[str, Any]) -> Iterator[str]:
    from opentelemetry.trace import SpanKind, format_span_id, format_trace_id
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    context = TraceContextTextMapPropagator().extract({TRACEPARENT_HEADER: parent} if parent else {})
    span_kind = SpanKind.CONSUMER if kind == "consumer" else SpanKind.SERVER
    with _tracer.start_as_current_span(name, context=context, kind=span_kind, attributes=attributes) as span:
        span_context = span.get_span_context()
        flags = "01" if span_context.trace_flags.sampled else "00"
        current = (
            f"00-{format_trace_id(span_context.trace_id)}-{format_span_id(span_context.span_id)}-{flags}"
        )
        token = traceparent_var.set(current)
        try:
            yield current
        finally:
            traceparent_var.reset(token)
