"""One service per process, as docker-compose runs them: its API, its outbox relay, its migrations, and the
small aggregator behind the gateway's `/healthz`.

Every command reads only the environment of its service's prefix (PROJECTS_, MEETINGS_, SCORING_, NOTIFIER_),
so a container is configured exactly like `create_app(settings)` expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from uvicorn.supervisors import Multiprocess

from gongjian.event_contract import install_event_contract
from gongjian.gateway import DESCRIPTION as GATEWAY_DESCRIPTION
from gongjian.gateway import MERGED_OPENAPI
from gongjian.services import SERVICES, ServiceEntry, service
from gongjian_shared.bus.kafka import OutboxRelay
from gongjian_shared.bus.listener import OutboxListener
from gongjian_shared.bus.runtime import asyncpg_dsn
from gongjian_shared.contract import install_docs, merge_documents
from gongjian_shared.db import create_engine
from gongjian_shared.errors import ServiceUnavailable, install_problem_handlers
from gongjian_shared.migrations import upgrade
from gongjian_shared.observability.logs import configure_logging
from gongjian_shared.observability.tracing import configure_tracing
from gongjian_shared.service import docs_path, openapi_path, routed_prefixes
from gongjian_shared.settings import BaseServiceSettings

logger = logging.getLogger("gongjian")

# uvicorn's exit code when the app never started (its own `main` uses the same value).
STARTUP_FAILURE = 3


class SettingsError(Exception):
    """A service's environment does not give valid settings; the message names the variables."""


def load_settings(entry: ServiceEntry) -> BaseServiceSettings:
    """The service's settings, from its own environment prefix only."""
    try:
        return entry.settings_class()
    except ValidationError as exc:
        lines = [f"{entry.name}: invalid settings from the {entry.env_prefix}* environment variables"]
        for error in exc.errors():
            where = "__".join(str(part).upper() for part in error["loc"])
            lines.append(f"  {entry.env_prefix}{where or '*'}: {error['msg']}")
        raise SettingsError("\n".join(lines)) from None


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


# `gongjian serve --workers N`: the service each worker process builds its app for (`worker_app`)
WORKER_SERVICE_ENV = "GONGJIAN_SERVE_SERVICE"
WORKER_HEALTHCHECK_SECONDS = 30


def serve_service(
    entry: ServiceEntry,
    settings: BaseServiceSettings,
    host: str,
    port: int,
    *,
    forwarded_allow_ips: str = "127.0.0.1",
    workers: int = 1,
) -> int:
    """Serve one service's app until SIGTERM or SIGINT; its lifespan runs the consumers (and the relay
    unless BUS__RUN_RELAY=false, as in docker-compose, where a relay container publishes).

    With `workers` > 1, uvicorn's supervisor runs that many worker processes on one listening socket, each
    with the whole app and its lifespan, like as many replicas: the bus's consumer groups share the events
    between them, the schedulers claim rows with FOR UPDATE SKIP LOCKED, and what a process keeps in memory
    (revoked tokens, the access caches) is kept current by events every process hears (its own group).
    """
    problem = settings.auth.key_problem(settings.environment, entry.env_prefix)
    if problem is not None:
        raise SettingsError(f"{entry.name}: cannot start: {problem}")
    configure_logging(settings.log)
    access_log = not settings.log.requests
    if workers > 1:
        os.environ[WORKER_SERVICE_ENV] = entry.name  # inherited by the worker processes
        return _run_uvicorn(
            "gongjian.serve:worker_app",
            host,
            port,
            forwarded_allow_ips,
            access_log=access_log,
            workers=workers,
        )
    configure_tracing(settings.tracing, entry.name)
    app = settled_after_start(entry.create_app(settings))
    return _run_uvicorn(app, host, port, forwarded_allow_ips, access_log=access_log)


def worker_app() -> FastAPI:
    """The app of one worker process of `gongjian serve --workers N` (uvicorn calls it in each worker)."""
    entry = service(os.environ[WORKER_SERVICE_ENV])
    settings = load_settings(entry)
    configure_logging(settings.log)
    configure_tracing(settings.tracing, entry.name)
    return settled_after_start(entry.create_app(settings))


def settled_after_start(app: FastAPI) -> FastAPI:
    """The app, whose process moves everything its start-up built (modules, the app, pools, caches) out of the
    garbage collector's reach once the start-up is done (`gc.freeze`). A full collection then walks only what
    requests and events made since, not the whole heap again: on the scoring worker one took 118 ms of an
    event's time, which set its p99. Only for a process serving one app for its life (`gongjian serve`), not
    for tests that build and drop platforms in one process: what is frozen is never collected."""
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with started(app) as state:
            gc.collect()
            gc.freeze()
            yield state

    app.router.lifespan_context = lifespan
    return app


def _run_uvicorn(
    app: Any,
    host: str,
    port: int,
    forwarded_allow_ips: str = "127.0.0.1",
    *,
    access_log: bool = True,
    workers: int = 1,
) -> int:
    # uvicorn re-raises SIGTERM once its graceful shutdown is done: exit 0 rather than die by the signal.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_level="info",
        log_config=None,  # the process's logging (configure_logging) stays as it is
        access_log=access_log,  # off where the services write their own line per request
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        factory=isinstance(app, str),
        workers=workers,
        # a worker answers the supervisor's health check only once its app is imported and built, which
        # takes several seconds on a busy machine: uvicorn's 5 s would kill and restart it at start
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    server = uvicorn.Server(config)
    if workers > 1:
        # The supervisor handles SIGTERM and SIGINT itself: it stops the workers (each shuts down gracefully).
        # It restarts a worker that dies, and stops when one fails to start (it would fail again).
        supervisor = Multiprocess(config, sockets=[config.bind_socket()])
        supervisor.run()
        failed = any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)
        return STARTUP_FAILURE if failed else 0
    server.run()
    return 0 if server.started else STARTUP_FAILURE


def migrate_service(entry: ServiceEntry, settings: BaseServiceSettings) -> None:
    """Upgrade the service's own schema to its Alembic head, on its own DATABASE__URL."""
    upgrade(entry.migrations, settings.database.url.get_secret_value())


async def run_relay(entry: ServiceEntry, settings: BaseServiceSettings) -> int:
    """Publish the service's outbox to Kafka until SIGTERM or SIGINT."""
    if settings.bus.kind != "kafka":
        raise SettingsError(
            f"{entry.name}: the relay publishes to Kafka; set {entry.env_prefix}BUS__KIND=kafka "
            f"and {entry.env_prefix}KAFKA__BOOTSTRAP"
        )
    configure_logging(settings.log)
    engine = create_engine(settings.database)
    listener = OutboxListener(asyncpg_dsn(engine))
    relay = OutboxRelay(engine, entry.spec.tables, settings.kafka, settings.bus, listener.wake_event())
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    logger.info(
        "relay for %s: outbox %s -> Kafka at %s (topic prefix %r)",
        entry.name,
        entry.spec.tables.schema,
        settings.kafka.bootstrap,
        settings.kafka.topic_prefix,
    )
    listener.start()
    relaying = asyncio.create_task(relay.run(), name=f"outbox-relay-{entry.name}")
    stop_requested = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait({relaying, stop_requested}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # A batch cut short is rolled back and sent again by the next relay; consumers drop the duplicates.
        for task in (relaying, stop_requested):
            task.cancel()
        for task in (relaying, stop_requested):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await listener.stop()
        await engine.dispose()
    logger.info("relay for %s stopped after publishing %d events", entry.name, relay.published)
    return 0


async def _readiness(client: httpx.AsyncClient, name: str, base_url: str) -> tuple[str, dict[str, Any]]:
    try:
        response = await client.get(f"{base_url.rstrip('/')}/readyz")
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return name, {"ready": False, "error": f"{type(exc).__name__}: {exc}"}
    if not isinstance(body, dict):
        body = {}
    return name, {**body, "ready": response.status_code == 200 and body.get("ready") is True}


async def _merged_openapi(client: httpx.AsyncClient, upstreams: Mapping[str, str]) -> dict[str, Any]:
    documents: dict[str, dict[str, Any]] = {}
    for name, url in upstreams.items():
        try:
            response = await client.get(f"{url.rstrip('/')}{openapi_path(name)}")
            response.raise_for_status()
            documents[name] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ServiceUnavailable(
                f"{name} did not give its OpenAPI document: {type(exc).__name__}"
            ) from exc
    servers = next(iter(documents.values()), {}).get("servers") or [{"url": "/"}]
    return merge_documents(
        documents,
        {name: service(name).spec.public_prefixes for name in documents},
        title="Gongjian (攻坚) API",
        description=GATEWAY_DESCRIPTION,
        base_url=str(servers[0]["url"]),
    )


def build_health_gateway(upstreams: Mapping[str, str], *, timeout: float = 3.0) -> FastAPI:
    """The gateway's `/healthz` in docker-compose: nginx cannot aggregate, so this asks every service's
    `/readyz` over HTTP and answers 200 only when all of them are ready. It also serves `/`, the merged
    `/openapi.json`, `/docs` (Swagger UI from the platform's own files) and the event contract (`/asyncapi.json`,
    `/asyncapi`), as the in-process gateway does, and a problem-details 404 for paths no service owns."""
    upstreams = dict(upstreams)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # trust_env=False: a proxy set for the container must not see service-to-service calls.
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            app.state.client = client
            yield

    app = FastAPI(
        title="Gongjian health gateway", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    install_problem_handlers(app)

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        client: httpx.AsyncClient = request.app.state.client
        checks = await asyncio.gather(*(_readiness(client, name, url) for name, url in upstreams.items()))
        services = dict(checks)
        ready = all(check["ready"] for check in services.values())
        return JSONResponse({"ready": ready, "services": services}, status_code=200 if ready else 503)

    @app.get("/readyz")
    async def readyz() -> dict[str, Any]:
        # The aggregator itself is up; whether the platform is ready is /healthz.
        return {"ready": True, "service": "health-gateway"}

    @app.get(MERGED_OPENAPI)
    async def openapi(request: Request) -> JSONResponse:
        """The services' documents merged, as the in-process gateway serves it (fetched once, then kept)."""
        if getattr(request.app.state, "openapi", None) is None:
            request.app.state.openapi = await _merged_openapi(request.app.state.client, upstreams)
        return JSONResponse(request.app.state.openapi)

    app.title = "Gongjian (攻坚) API"
    install_docs(
        app, "/docs", MERGED_OPENAPI, links=[(docs_path(n), service(n).spec.title) for n in upstreams]
    )
    install_event_contract(app)

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"name": "Gongjian (攻坚)", "docs": "/docs", "openapi": MERGED_OPENAPI, "health": "/healthz"}

    return app


def serve_health_gateway(upstreams: Mapping[str, str], host: str, port: int, timeout: float) -> int:
    logger.info("health gateway: %s", ", ".join(f"{name} at {url}" for name, url in upstreams.items()))
    return _run_uvicorn(build_health_gateway(upstreams, timeout=timeout), host, port)


def nginx_upstream(service_name: str) -> str:
    """The nginx upstream of a service in deploy/gateway/nginx.conf."""
    return service_name.replace("-", "_")


def render_gateway_routes() -> str:
    """deploy/gateway/routes.conf: nginx locations for every prefix each service owns, matched like the
    in-process gateway (the prefix itself or anything under it, never `/api/v1/unitsfoo`)."""
    lines = [
        "# Generated by `gongjian gateway-routes > deploy/gateway/routes.conf` from each service's routed",
        "# prefixes (gongjian_shared.service.routed_prefixes); do not edit by hand. Included by nginx.conf.",
    ]
    for entry in SERVICES:
        upstream = nginx_upstream(entry.name)
        lines.append("")
        lines.append(f"# {entry.name}")
        for prefix in routed_prefixes(entry.spec):
            lines.append(f"location = {prefix} {{ proxy_pass http://{upstream}; }}")
            lines.append(f"location ^~ {prefix}/ {{ proxy_pass http://{upstream}; }}")
    return "\n".join(lines) + "\n"
