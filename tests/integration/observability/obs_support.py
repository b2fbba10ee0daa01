"""Shared by the observability tests: a short load through the gateway, the metrics it leaves, log lines."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from gongjian_shared.observability.logs import log_handler
from support.platform import Platform, eventually

# every metric /metrics must show after the short load, with a sample above zero
NON_ZERO_AFTER_LOAD = (
    "gongjian_http_requests_total",
    "gongjian_http_request_duration_seconds_count",
    "gongjian_db_pool_connections",
    "gongjian_consumer_events_total",
    "gongjian_score_recompute_duration_seconds_count",
)
# named by the issue; present (HELP/TYPE) whatever the load
PRESENT = (
    "gongjian_consumer_lag_events",
    "gongjian_outbox_unsent_events",
    "gongjian_outbox_oldest_unsent_age_seconds",
    "gongjian_deadlines_due",
    "gongjian_deadlines_late",
    "gongjian_notifier_deliveries",
)


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Sample name -> (labels, value) of a Prometheus text exposition."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        found.setdefault(family.name, [])
        for sample in family.samples:
            found.setdefault(sample.name, []).append((dict(sample.labels), float(sample.value)))
    return found


async def short_load(platform: Platform, correlation_id: uuid.UUID) -> str:
    """A few reads and one write whose event three consumer groups apply; returns the new county's id."""
    for _ in range(3):
        assert (await platform.client.get("/api/v1/units")).status_code == 200
    created = await platform.client.post(
        "/api/v1/units",
        json={"name": f"观测县{uuid.uuid4().hex[:4]}", "kind": "county"},
        headers={"X-Correlation-ID": str(correlation_id)},
    )
    assert created.status_code == 201, created.text
    unit_id: str = created.json()["id"]
    return unit_id


@contextmanager
def json_log_lines() -> Iterator[io.StringIO]:
    """Every log line of the process while the block runs, as the JSON formatter writes them (INFO and up)."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root, gongjian = logging.getLogger(), logging.getLogger("gongjian")
    level = gongjian.level
    gongjian.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        gongjian.setLevel(level)


def read_lines(handler_stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in handler_stream.getvalue().splitlines() if line.strip()]


async def consumer_line(
    stream: io.StringIO, correlation_id: uuid.UUID, service: str, timeout: float = 30.0
) -> dict[str, Any]:
    """The first line of `service` applying an event of the request with `correlation_id`."""
    found: list[dict[str, Any]] = []

    async def logged() -> bool:
        found[:] = [
            line
            for line in read_lines(stream)
            if line.get("correlation_id") == str(correlation_id)
            and line.get("service") == service
            and line.get("event_id")
            and "applied" in line["message"]
        ]
        return bool(found)

    await eventually(logged, timeout=timeout, what=f"{service} logging an event of {correlation_id}")
    return found[0]
