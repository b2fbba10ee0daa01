"""What the request or event being handled is, for log lines and the events it causes (context variables)."""

from __future__ import annotations

import os
import re
import uuid
from contextvars import ContextVar

# the service handling the request or event (one process runs all four in development)
service_var: ContextVar[str | None] = ContextVar("service", default=None)
# the event a consumer is applying
event_id_var: ContextVar[uuid.UUID | None] = ContextVar("event_id", default=None)
# the account whose token the request carries
user_id_var: ContextVar[uuid.UUID | None] = ContextVar("user_id", default=None)
# the W3C trace context of the request or event being handled: `00-<trace id>-<span id>-<flags>`
traceparent_var: ContextVar[str | None] = ContextVar("traceparent", default=None)

TRACEPARENT_HEADER = "traceparent"
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_INVALID_TRACE = "0" * 32
_INVALID_SPAN = "0" * 16


def parse_traceparent(value: str | None) -> tuple[str, str, str] | None:
    """(trace id, parent span id, flags) of a valid W3C `traceparent`, else None (version ff and all-zero ids
    are invalid by the recommendation)."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None or match[1] == "ff" or match[2] == _INVALID_TRACE or match[3] == _INVALID_SPAN:
        return None
    return match[2], match[3], match[4]


def child_traceparent(parent: str | None) -> str:
    """The traceparent of a new span: in the parent's trace when there is a valid one, else a new sampled trace."""
    parsed = parse_traceparent(parent)
    span_id = os.urandom(8).hex()
    if parsed is None:
        return f"00-{uuid.uuid4().hex}-{span_id}-01"
    trace_id, _, flags = parsed
    return f"00-{trace_id}-{span_id}-{flags}"


def trace_id_of(traceparent: str | None) -> str | None:
    parsed = parse_traceparent(traceparent)
    return parsed[0] if parsed is not None else None
