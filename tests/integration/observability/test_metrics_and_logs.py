"""Issue 17's acceptance on the running platform: `/metrics` on the gateway (the whole process, as in
`make dev`) and on every service shows the named metrics after a short load; a request's JSON log line and the
consumers' lines for the event it caused carry one correlation id and one trace; the trace context travels in
the event's envelope."""

from __future__ import annotations

import uuid

import httpx
import pytest
from integration.observability.obs_support import (
    NON_ZERO_AFTER_LOAD,
    PRESENT,
    consumer_line,
    json_log_lines,
    read_lines,
    samples,
    short_load,
)
from sqlalchemy import text

from gongjian.services import SERVICES
from gongjian_shared.observability.context import parse_traceparent
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def metrics_after_load(platform: Platform) -> dict[str, list[tuple[dict[str, str], float]]]:
    unit_id = await short_load(platform, uuid.uuid4())
    found: dict[str, list[tuple[dict[str, str], float]]] = {}

    async def every_figure_moved() -> bool:
        response = await platform.client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        found.clear()
        found.update(samples(response.text))
        return all(any(value > 0 for _, value in found.get(name, ())) for name in NON_ZERO_AFTER_LOAD)

    await eventually(every_figure_moved, timeout=30, what=f"the metrics moved by the load (unit {unit_id})")
    return found


def assert_named_metrics(found: dict[str, list[tuple[dict[str, str], float]]], bus: str) -> None:
    missing = [name for name in PRESENT if name not in found]
    assert not missing, f"absent from /metrics: {missing}"
    routes = {labels["route"] for labels, _ in found["gongjian_http_requests_total"]}
    assert "/api/v1/units" in routes
    assert not any(route.count("-") >= 4 for route in routes), f"a raw id became a label: {routes}"
    groups = {
        (labels["service"], labels["group"]) for labels, value in found["gongjian_consumer_events_total"]
    }
    assert ("scoring-worker", "scoring-worker.account-states") in groups  # no per-process suffix
    applied = [
        value
        for labels, value in found["gongjian_consumer_events_total"]
        if labels["outcome"] == "applied" and labels["service"] == "scoring-worker"
    ]
    assert sum(applied) > 0
    services = {labels["service"] for labels, _ in found["gongjian_db_pool_connections"]}
    assert services == {entry.name for entry in SERVICES}
    if bus == "kafka":  # only a relay stamps outbox rows as sent
        assert {labels["service"] for labels, _ in found["gongjian_outbox_unsent_events"]} == services


async def test_metrics_after_a_short_load_on_the_embedded_bus(platform: Platform) -> None:
    found = await metrics_after_load(platform)
    assert_named_metrics(found, "embedded")
    # each service's own /metrics (as scraped in docker-compose and Kubernetes) answers without a token
    for entry in SERVICES:
        transport = httpx.ASGITransport(app=platform.app(entry.name))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            response = await client.get("/metrics")
        assert response.status_code == 200, entry.name
        assert "gongjian_http_requests_total" in response.text
        assert "/metrics" not in str(platform.app(entry.name).openapi()["paths"])


@pytest.mark.kafka
async def test_metrics_after_a_short_load_on_kafka(kafka_platform: Platform) -> None:
    found = await metrics_after_load(kafka_platform)
    assert_named_metrics(found, "kafka")


async def test_metrics_do_not_need_a_token_and_name_no_person(platform: Platform) -> None:
    platform.client.headers.pop("Authorization")
    response = await platform.client.get("/metrics")
    assert response.status_code == 200
    assert "admin" not in response.text
    assert "/metrics" not in str(platform.gateway.openapi["paths"])


async def test_a_requests_correlation_id_and_trace_reach_the_consumers_log_lines(platform: Platform) -> None:
    correlation = uuid.uuid4()
    with json_log_lines() as stream:
        created = await platform.client.post(
            "/api/v1/units",
            json={"name": "日志关联县", "kind": "county"},
            headers={"X-Correlation-ID": str(correlation), "traceparent": TRACEPARENT},
        )
        assert created.status_code == 201, created.text
        consumed = await consumer_line(stream, correlation, "scoring-worker")
        await consumer_line(stream, correlation, "notifier")
        lines = read_lines(stream)
    request = [
        line
        for line in lines
        if line["logger"] == "gongjian.http" and line.get("correlation_id") == str(correlation)
    ]
    assert len(request) == 1, lines
    assert request[0]["route"] == "/api/v1/units"
    assert request[0]["status"] == 201
    assert request[0]["service"] == "projects-api"
    assert request[0]["user_id"]  # the admin's account
    assert request[0]["trace_id"] == TRACE_ID == consumed["trace_id"]

    async with platform.context("projects-api").sessionmaker() as session:
        envelope = await session.scalar(
            text("SELECT envelope FROM projects.outbox WHERE envelope->'payload'->>'name' = '日志关联县'")
        )
    assert envelope["correlation_id"] == str(correlation)
    assert consumed["event_id"] == envelope["event_id"]
    parsed = parse_traceparent(envelope["traceparent"])
    assert parsed is not None and parsed[0] == TRACE_ID
    assert parsed[1] != "00f067aa0ba902b7"  # the request's own span, a child of the caller's


async def test_events_caused_without_a_trace_keep_their_old_shape(platform: Platform) -> None:
    """An event written outside a request (the seed) has no `traceparent` key at all, as before."""

    async def seeded() -> bool:
        async with platform.context("projects-api").sessionmaker() as session:
            return bool(await session.scalar(text("SELECT count(*) FROM projects.outbox")))

    await eventually(seeded, what="the seed's events")
    async with platform.context("projects-api").sessionmaker() as session:
        keys = await session.scalar(
            text("SELECT envelope FROM projects.outbox ORDER BY id LIMIT 1"),
        )
    assert "traceparent" not in keys
