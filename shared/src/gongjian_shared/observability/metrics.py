"""Prometheus metrics: one registry per process, the plumbing every service shares.

Requests are counted and timed by route template (`/api/v1/projects/{project_id}`, never the raw path, so the
label values are bounded), in the request middleware of `service.py`. What is read from the database or from
memory (the pool, the bus's consumers, the outbox backlog, a service's own gauges such as deadlines due) is
read when Prometheus scrapes `/metrics`, not on the request path: a service registers a `MetricsSource` when it
starts and drops it when it stops, and `render_metrics` samples every source of the process. In development
(one process for all four services) the gateway's `/metrics` therefore shows the whole platform.

A service registers only its domain metrics: counters and histograms (`counter`, `histogram`) it updates where
the work happens, and `sampled_gauge`s its sampler fills at scrape time.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from gongjian_shared.bus.runtime import BusRuntime

logger = logging.getLogger("gongjian.metrics")

METRICS_PATH = "/metrics"
PREFIX = "gongjian_"
SAMPLE_TIMEOUT_SECONDS = 2.0
UNMATCHED_ROUTE = "<unmatched>"

# request durations: the API's answers take milliseconds to seconds (exports and imports the longest)
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "gongjian_http_requests",
    "HTTP requests answered, by service, method, route template and status",
    ("service", "method", "route", "status"),
)
HTTP_DURATION = Histogram(
    "gongjian_http_request_duration_seconds",
    "Time to answer an HTTP request, by service, method and route template",
    ("service", "method", "route"),
    buckets=DURATION_BUCKETS,
)


def counter(name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
    """A service's own counter, in the process registry (`gongjian_` prefixed, `_total` added)."""
    return Counter(_checked(name), documentation, ("service", *labels))


def histogram(
    name: str, documentation: str, labels: Sequence[str] = (), buckets: Sequence[float] = DURATION_BUCKETS
) -> Histogram:
    return Histogram(_checked(name), documentation, ("service", *labels), buckets=buckets)


def _checked(name: str) -> str:
    if not re.fullmatch(r"gongjian_[a-z0-9_]+", name):
        raise ValueError(f"metric names start with {PREFIX} and use [a-z0-9_]: {name}")
    return name


class RequestMetrics:
    """The request counter and histogram children of one service, cached by (method, route, status):
    `labels()` takes a lock and builds a key on every call, so each child is looked up once."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._durations: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        count = self._counters.get(key)
        if count is None:
            count = self._counters[key] = HTTP_REQUESTS.labels(self.service, method, route, str(status))
        count.inc()
        duration = self._durations.get(key[:2])
        if duration is None:
            duration = self._durations[key[:2]] = HTTP_DURATION.labels(self.service, method, route)
        duration.observe(seconds)


def route_template(scope: Mapping[str, Any]) -> str:
    """The matched route's template without convertors (`/api/v1/projects/{project_id}`), or `<unmatched>`."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else UNMATCHED_ROUTE


# --- gauges read at scrape time ------------------------------------------------------------------------------

Labels = Mapping[str, str]
Sample = tuple[str, Labels, float]
Sampler = Callable[[], Awaitable[Iterable[Sample]]]


@dataclass(frozen=True)
class SampledGauge:
    name: str
    documentation: str
    labels: tuple[str, ...]


SAMPLED_GAUGES: dict[str, SampledGauge] = {}


def sampled_gauge(name: str, documentation: str, labels: Sequence[str] = ()) -> str:
    """Declare a gauge a sampler fills at scrape time (labelled by service first); returns its name."""
    SAMPLED_GAUGES[_checked(name)] = SampledGauge(name, documentation, ("service", *labels))
    return name


OUTBOX_UNSENT = sampled_gauge(
    "gongjian_outbox_unsent_events",
    "Outbox rows the relay has not yet published to Kafka (the embedded bus has no relay: see consumer lag)",
)
OUTBOX_OLDEST_AGE = sampled_gauge(
    "gongjian_outbox_oldest_unsent_age_seconds", "Age of the oldest outbox row not yet published to Kafka"
)
CONSUMER_LAG = sampled_gauge(
    "gongjian_consumer_lag_events", "Events a consumer group has still to read", ("group",)
)


@dataclass
class MetricsSource:
    """What one running service lets the scrape read: its pool, its bus, and its own samplers."""

    service: str
    engine: AsyncEngine | None = None
    bus: BusRuntime | None = None
    samplers: list[Sampler] = field(default_factory=list)
    values: dict[str, list[tuple[Labels, float]]] = field(default_factory=dict)

    async def sample(self) -> None:
        values: dict[str, list[tuple[Labels, float]]] = {}
        for sampler in self.samplers:
            try:
                async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
                    for name, labels, value in await sampler():
                        values.setdefault(name, []).append((labels, value))
            except Exception as exc:  # a scrape must answer even while the database is away
                logger.warning("%s: a metrics sampler failed: %s", self.service, exc)
        self.values = values


_SOURCES: dict[int, MetricsSource] = {}


def register_source(source: MetricsSource) -> None:
    _SOURCES[id(source)] = source


def unregister_source(source: MetricsSource) -> None:
    _SOURCES.pop(id(source), None)


def group_label(group_id: str) -> str:
    """A consumer group as a bounded label: the per-process account-states groups lose their random suffix."""
    service, _, rest = group_id.partition(".")
    if rest.startswith("account-states."):
        return f"{service}.account-states"
    return group_id


class PlatformCollector(Collector):
    """Yields, at each scrape, the pool, consumer and sampled figures of every registered service."""

    def collect(self) -> Iterator[Metric]:
        sources = list(_SOURCES.values())
        yield from _pool_families(sources)
        yield from _consumer_families(sources)
        for gauge in SAMPLED_GAUGES.values():
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=gauge.labels)
            for source in sources:
                for labels, value in source.values.get(gauge.name, ()):
                    family.add_metric([source.service, *(labels[name] for name in gauge.labels[1:])], value)
            yield family


def _pool_families(sources: Sequence[MetricsSource]) -> Iterator[Metric]:
    family = GaugeMetricFamily(
        "gongjian_db_pool_connections",
        "Database pool connections by state (checked_out, idle, overflow) and the pool's size",
        labels=("service", "state"),
    )
    for source in sources:
        pool: Any = source.engine.pool if source.engine is not None else None
        if pool is None or not hasattr(pool, "checkedout"):
            continue
        figures = {
            "size": pool.size(),
            "checked_out": pool.checkedout(),
            "idle": pool.checkedin(),
            "overflow": max(0, pool.overflow()),
        }
        for state, value in figures.items():
            family.add_metric([source.service, state], float(value))
    yield family


def _consumer_families(sources: Sequence[MetricsSource]) -> Iterator[Metric]:
    events = CounterMetricFamily(
        "gongjian_consumer_events",
        "Events a consumer group handled, by outcome (applied, duplicate, dead_letter)",
        labels=("service", "group", "outcome"),
    )
    published = CounterMetricFamily(
        "gongjian_outbox_published_events",
        "Outbox rows the relay of this process published to Kafka",
        labels=("service",),
    )
    for source in sources:
        bus = source.bus
        if bus is None:
            continue
        for runner in bus.consumers:
            group = group_label(runner.subscription.group_id)
            stats = runner.stats
            for outcome, value in (
                ("applied", stats.applied),
                ("duplicate", stats.duplicates),
                ("dead_letter", stats.dead_lettered),
            ):
                events.add_metric([source.service, group, outcome], float(value))
        if bus.relay is not None:
            published.add_metric([source.service], float(bus.relay.published))
    yield events
    yield published


REGISTRY.register(PlatformCollector())


async def render_metrics() -> tuple[bytes, float]:
    """Sample every registered service, then the registry in the text format; and how long sampling took."""
    started = time.perf_counter()
    await asyncio.gather(*(source.sample() for source in list(_SOURCES.values())))
    return generate_latest(REGISTRY), time.perf_counter() - started


async def metrics_endpoint(request: Request) -> Response:
    """`/metrics`: counts and durations only, no identifiers of people, projects or units."""
    body, _seconds = await render_metrics()
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
