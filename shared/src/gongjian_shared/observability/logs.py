"""Log lines: one JSON object a line outside development, readable text in `make dev` (`LOG__FORMAT`).

Each line carries what the request or event being handled is (`context.py`): the correlation id, the
service, the event id, the user id and the trace id where there is one. A filter on the handler stamps them on
the record, so the text format shows the same fields.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from gongjian_shared.observability.context import (
    event_id_var,
    service_var,
    trace_id_of,
    traceparent_var,
    user_id_var,
)
from gongjian_shared.outbox import correlation_id_var
from gongjian_shared.settings import LogFormat, LogSettings

CONTEXT_FIELDS = ("service", "correlation_id", "event_id", "user_id", "trace_id")
# attributes every LogRecord has: anything else passed as `extra=` goes into the JSON line
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", *CONTEXT_FIELDS}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(service)s %(correlation_id)s]: %(message)s"


class ContextFilter(logging.Filter):
    """Stamps the handled request's or event's identifiers on every record (kept if the caller set one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = {
            "service": service_var.get(),
            "correlation_id": correlation_id_var.get(),
            "event_id": event_id_var.get(),
            "user_id": user_id_var.get(),
            "trace_id": trace_id_of(traceparent_var.get()),
        }
        for name, value in values.items():
            if getattr(record, name, None) is None:
                setattr(record, name, str(value) if value is not None else None)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        for name, value in record.__dict__.items():
            if name not in _RECORD_ATTRIBUTES and not name.startswith("_"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        for name in ("service", "correlation_id"):
            if getattr(record, name, None) is None:
                setattr(record, name, "-")
        return super().format(record)


def log_handler(log_format: LogFormat, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def configure_logging(settings: LogSettings) -> None:
    """The root logger writes through one handler of the chosen format; uvicorn's loggers go through it too."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(log_handler(settings.format))
    root.setLevel(settings.level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
