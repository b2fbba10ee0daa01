"""The app factory every service uses: lifespan-owned engine and bus, health routes, one error shape."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gongjian_shared.auth import (
    JWKS_PATH,
    AccountStates,
    TokenIssuer,
    TokenVerifier,
    account_states_subscription,
)
from gongjian_shared.bus.consumer import (
    Handlers,
    Remember,
    Subscription,
    is_infrastructure_error,
    is_lost_connection,
)
from gongjian_shared.bus.runtime import BusRuntime
from gongjian_shared.bus.tables import BusTables
from gongjian_shared.clock import Clock, SystemClock
from gongjian_shared.contract import install_cors, install_docs, servers, with_problem_schemas
from gongjian_shared.db import READ_METHODS, create_engine, create_sessionmaker, reading_sessionmaker
from gongjian_shared.errors import (
    OUTAGE_RETRY_AFTER_SECONDS,
    install_problem_handlers,
    internal_error_problem,
    problem_response,
    unavailable_problem,
)
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.guards import RequestGuardMiddleware
from gongjian_shared.jobs import bounded, cancel_and_wait
from gongjian_shared.observability.context import TRACEPARENT_HEADER, service_var, user_id_var
from gongjian_shared.observability.metrics import (
    CONSUMER_LAG,
    METRICS_PATH,
    OUTBOX_OLDEST_AGE,
    OUTBOX_UNSENT,
    MetricsSource,
    RequestMetrics,
    Sample,
    Sampler,
    group_label,
    metrics_endpoint,
    register_source,
    route_template,
    unregister_source,
)
from gongjian_shared.observability.tracing import traced
from gongjian_shared.outbox import Outbox, correlation_id_var
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.settings import BaseServiceSettings
from gongjian_shared.uow import UnitOfWork

logger = logging.getLogger("gongjian")
request_logger = logging.getLogger("gongjian.http")

CORRELATION_HEADER = "X-Correlation-ID"


@dataclass
class ServiceContext:
    """What a running service holds; built by the lifespan, read by routes through app.state."""

    settings: BaseServiceSettings
    clock: Clock
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tables: BusTables
    outbox: Outbox
    tokens: TokenVerifier
    issuer: TokenIssuer | None = None  # projects-api only: the service that owns accounts signs
    account_states: AccountStates = field(default_factory=AccountStates)
    bus: BusRuntime | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    unit_of_work_factory: UnitOfWorkFactory = field(
        default=lambda context, session: plain_unit_of_work(context, session)
    )
    # the sessions of requests that only read (GET, HEAD): no transaction, no write (`db.reading_sessionmaker`)
    reading_sessionmaker: async_sessionmaker[AsyncSession] = field(init=False)

    def __post_init__(self) -> None:
        self.reading_sessionmaker = reading_sessionmaker(self.engine)

    def unit_of_work(self, session: AsyncSession) -> UnitOfWork:
        """The service's unit of work around `session` (a request's, an event's or a job run's)."""
        return self.unit_of_work_factory(self, session)


UnitOfWorkFactory = Callable[[ServiceContext, AsyncSession], UnitOfWork]


def plain_unit_of_work(context: ServiceContext, session: AsyncSession) -> UnitOfWork:
    return UnitOfWork(session, context.outbox, context.clock)


# What each consumer group keeps in memory beside its rows (`Subscription.after_commit`), by group.
MemoryFactory = Callable[[ServiceContext], Mapping[str, Mapping[type[EventPayload], Remember]]]
# What every process of the service keeps in memory from events (caches it drops), heard in the process's own
# consumer group: each worker and replica gets every event (`account_states_subscription`)
ProcessMemoryFactory = Callable[[ServiceContext], Mapping[type[EventPayload], Remember]]
BackgroundFactory = Callable[[ServiceContext], Sequence[Callable[[], Coroutine[Any, Any, None]]]]
# A service's own gauges, read when /metrics is scraped (`observability.metrics.sampled_gauge`)
SamplersFactory = Callable[[ServiceContext], Sequence[Sampler]]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    schema: str
    title: str
    description: str
    metadata: MetaData
    tables: BusTables
    # included in order, each without a further prefix (`routing.ServiceRouter`: its routes carry their paths)
    routers: Sequence[ServiceRouter]
    public_prefixes: tuple[str, ...]
    # the service's one table of event handlers: consumer group (`<name>.<group>`) -> payload class -> handler
    event_handlers: Mapping[str, Handlers] = field(default_factory=dict)
    remembers: MemoryFactory = lambda _: {}
    process_memory: ProcessMemoryFactory = lambda _: {}
    background: BackgroundFactory = lambda _: ()
    # what a service's unit of work holds beyond session, outbox and clock (the notifier's channels)
    unit_of_work: UnitOfWorkFactory = plain_unit_of_work
    samplers: SamplersFactory = lambda _: ()


class CorrelationMiddleware:
    """Carries X-Correlation-ID and the W3C trace context from the request into the events it causes (and the
    id back on the response); counts and times the request by route template; writes its log line.

    A plain ASGI middleware: @app.middleware("http") would wrap every request in BaseHTTPMiddleware's
    extra task and body streaming, for nothing.
    """

    def __init__(self, app: ASGIApp, service: str = "gongjian", log_requests: bool = True) -> None:
        self.app = app
        self.service = service
        self.log_requests = log_requests
        self.metrics = RequestMetrics(service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        raw = headers.get(CORRELATION_HEADER)
        try:
            correlation_id = uuid.UUID(raw) if raw else uuid.uuid4()
        except ValueError:
            correlation_id = uuid.uuid4()
        status = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = str(correlation_id)
            await send(message)

        tokens = (
            correlation_id_var.set(correlation_id),
            service_var.set(self.service),
            user_id_var.set(None),
        )
        started = time.perf_counter()
        try:
            with traced(scope["method"], headers.get(TRACEPARENT_HEADER)):
                try:
                    await self._answer(scope, receive, send_with_header, correlation_id)
                finally:
                    self._observe(scope, status, time.perf_counter() - started)
        finally:
            correlation_id_var.reset(tokens[0])
            service_var.reset(tokens[1])
            user_id_var.reset(tokens[2])

    async def _answer(self, scope: Scope, receive: Receive, send: Send, correlation_id: uuid.UUID) -> None:
        response_started = False

        async def send_tracked(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            try:
                await self.app(scope, receive, send_tracked)
            except Exception as exc:
                if response_started or scope["method"] not in READ_METHODS or not is_lost_connection(exc):
                    raise
                # a read that met a pooled connection the network or the server had dropped: the pool has
                # replaced it, and a read changes nothing, so it is answered again, once
                logger.warning(
                    "answering %s %s again on a new connection: %s", scope["method"], scope["path"], exc
                )
                await self.app(scope, receive, send_tracked)
        except Exception as exc:
            # Logged here, where the id is still known; answered as problem details carrying the same id.
            logger.exception(
                "unhandled error in %s %s (correlation id %s)",
                scope.get("method"),
                scope.get("path"),
                correlation_id,
            )
            if response_started:
                raise
            if is_infrastructure_error(
                exc
            ):  # the database away or overloaded: a retry will do, unlike a bug's 500
                problem = unavailable_problem(str(correlation_id), scope.get("path"))
                retry = {"Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)}
                await problem_response(problem, retry)(scope, receive, send)
                return
            problem = internal_error_problem(str(correlation_id), scope.get("path"))
            await problem_response(problem)(scope, receive, send)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_template(scope)
        method: str = scope["method"]
        self.metrics.observe(method, route, status, seconds)
        if self.log_requests:
            request_logger.info(
                "%s %s %d",
                method,
                scope["path"],
                status,
                extra={"route": route, "status": status, "duration_ms": round(seconds * 1000, 2)},
            )


def metrics_source(spec: ServiceSpec, context: ServiceContext) -> MetricsSource:
    """What /metrics reads of this running service: its pool, its bus, the bus's figures and its own gauges."""

    async def consumer_lag() -> list[Sample]:
        samples: list[Sample] = []
        for runner in context.bus.consumers if context.bus is not None else ():
            lag = await runner.refresh_lag()
            if lag is not None:
                samples.append((CONSUMER_LAG, {"group": group_label(runner.subscription.group_id)}, lag))
        return samples

    async def outbox_backlog() -> list[Sample]:
        async with context.engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                        f'FROM "{spec.schema}".outbox WHERE sent_at IS NULL'
                    )
                )
            ).one()
        return [(OUTBOX_UNSENT, {}, float(row[0])), (OUTBOX_OLDEST_AGE, {}, float(row[1]))]

    samplers: list[Sampler] = [consumer_lag, *spec.samplers(context)]
    if context.settings.bus.kind == "kafka":  # only a relay stamps rows sent; the embedded bus reads them
        samplers.append(outbox_backlog)
    return MetricsSource(spec.name, context.engine, context.bus, samplers)


def docs_path(service: str) -> str:
    return f"/docs/{service}"


def openapi_path(service: str) -> str:
    return f"/openapi/{service}.json"


def routed_prefixes(spec: ServiceSpec) -> tuple[str, ...]:
    """Every path prefix the gateway sends to this service."""
    return (*spec.public_prefixes, docs_path(spec.name), openapi_path(spec.name))


# Tags of the routes every service has (build_service_app's own): their ids carry the service's name.
SHARED_TAGS = frozenset({"health"})


def _operation_id(route: APIRoute, service: str) -> str:
    # stable ids for generated front-end clients, unique across the four documents:
    # "<tag>-<function name>", and "<service>-<tag>-<function name>" for the routes every service has
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{service}-{tag}-{route.name}" if tag in SHARED_TAGS else f"{tag}-{route.name}"


async def _database_ready(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception as exc:
        logger.warning("database not reachable: %s", exc)
        return False


def account_states_group(service: str) -> str:
    """The consumer group keeping one process's AccountStates current.

    One group per process, not per service: the states live in memory, so every replica must read every
    account event (a shared group would split them between replicas), and a new group reads the log from its
    start, which rebuilds the states after a restart.
    """
    return f"{service}.account-states.{uuid.uuid4().hex[:12]}"


async def _forget_group(context: ServiceContext, group_id: str) -> None:
    """Drop a per-process group's inbox and position rows when the process stops (best effort)."""
    try:
        async with context.sessionmaker() as session, session.begin():
            tables = context.tables
            await session.execute(tables.inbox.delete().where(tables.inbox.c.group_id == group_id))
            await session.execute(tables.positions.delete().where(tables.positions.c.group_id == group_id))
    except Exception as exc:
        logger.warning("could not drop the rows of consumer group %s: %s", group_id, exc)


def build_service_app(
    spec: ServiceSpec, settings: BaseServiceSettings, clock: Clock | None = None
) -> FastAPI:
    clock = clock or SystemClock()
    problem = settings.auth.key_problem(settings.environment)
    if problem is not None:
        raise ValueError(f"{spec.name} cannot start: {problem} (environment {settings.environment})")
    # Built here, not in the lifespan, so a service without its keys refuses to start at once.
    issuer = (
        TokenIssuer(settings.auth, clock, environment=settings.environment) if settings.auth.sign else None
    )
    account_states = AccountStates()
    verifier = TokenVerifier(
        settings.auth, clock, account_states, keys=issuer.public_keys() if issuer is not None else None
    )
    if issuer is None and not verifier.kids and not settings.auth.jwks_url:
        logger.warning(
            "%s: no AUTH__PUBLIC_KEYS nor AUTH__JWKS_URL: every bearer token is refused", spec.name
        )
    states_group = account_states_group(spec.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database)
        sessionmaker = create_sessionmaker(engine)
        context = ServiceContext(
            settings=settings,
            clock=clock,
            engine=engine,
            sessionmaker=sessionmaker,
            tables=spec.tables,
            outbox=Outbox(spec.tables, spec.name, clock),
            tokens=verifier,
            issuer=issuer,
            account_states=account_states,
            unit_of_work_factory=spec.unit_of_work,
        )
        remembered = spec.remembers(context)
        subscriptions = [
            *(
                Subscription(f"{spec.name}.{group}", handlers, after_commit=remembered.get(group, {}))
                for group, handlers in spec.event_handlers.items()
            ),
            # every service (projects-api too, for its other replicas) learns revocations from the events
            account_states_subscription(account_states, states_group, spec.process_memory(context)),
        ]
        context.bus = BusRuntime(
            settings, engine, sessionmaker, spec.tables, subscriptions, context.unit_of_work
        )
        app.state.context = context
        app.state.sessionmaker = sessionmaker
        app.state.outbox = context.outbox
        app.state.clock = clock
        if not await _database_ready(engine):
            logger.error(
                "%s: the database is unreachable at start; /readyz stays false and workers retry with backoff",
                spec.name,
            )
        await context.bus.start()
        source = metrics_source(spec, context)
        register_source(source)
        background = [
            asyncio.create_task(factory(), name=f"{spec.name}:{getattr(factory, '__name__', 'background')}")
            for factory in spec.background(context)
        ]
        try:
            yield
        finally:
            unregister_source(source)
            await cancel_and_wait(background)
            await context.bus.stop()
            await bounded(_forget_group(context, states_group), f"{spec.name}: dropping {states_group}")
            await bounded(engine.dispose(), f"{spec.name}: closing the database pool")

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=lambda route: _operation_id(route, spec.name),
        docs_url=None,  # served from the platform's own copy of Swagger UI, not a CDN: install_docs below
        openapi_url=openapi_path(spec.name),
        redoc_url=None,
        servers=servers(settings.frontend_base_url),
    )
    app.state.spec = spec
    app.state.cors_origins = tuple(settings.cors_origins)
    with_problem_schemas(app)
    install_docs(app, docs_path(spec.name), openapi_path(spec.name))
    install_problem_handlers(app)

    # Added first, so it runs inside the correlation middleware: its refusals carry the id too.
    app.add_middleware(RequestGuardMiddleware, settings=settings.http)
    app.add_middleware(CorrelationMiddleware, service=spec.name, log_requests=settings.log.requests)
    install_cors(app, settings.cors_origins)

    # Prometheus scrapes each service without a token: counts and durations only, outside the API document
    app.add_route(METRICS_PATH, metrics_endpoint, methods=["GET"], include_in_schema=False)

    @app.get("/healthz", tags=["health"], summary="Alive (存活)")
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": spec.name}

    @app.get("/readyz", tags=["health"], summary="Ready: database and bus reachable (就绪)")
    async def readyz(request: Request) -> JSONResponse:
        context: ServiceContext | None = getattr(request.app.state, "context", None)
        if context is None or context.bus is None:
            return JSONResponse({"ready": False, "service": spec.name, "reason": "starting"}, status_code=503)
        database = await _database_ready(context.engine)
        broker = await context.bus.broker_reachable()
        body = {
            "ready": database and broker,
            "service": spec.name,
            "database": database,
            "bus": await context.bus.status() | {"reachable": broker},
        }
        return JSONResponse(body, status_code=200 if body["ready"] else 503)

    if issuer is not None:
        signer = issuer

        @app.get(
            JWKS_PATH,
            tags=["auth"],
            summary="Public keys that verify the access tokens (JWKS, 令牌验证公钥)",
            response_model=dict[str, list[dict[str, str]]],
        )
        async def jwks() -> JSONResponse:
            """The JSON Web Key Set of the token signing keys: the first signs, the others still verify."""
            return JSONResponse(signer.jwks(), headers={"Cache-Control": "public, max-age=300"})

    for router in spec.routers:
        typed_path_parameters(router)
        app.include_router(router)
    return app


_CONVERTORS = {uuid.UUID: "uuid", int: "int"}


def _with_convertors(path: str, kinds: dict[str, str]) -> str:
    return re.sub(
        r"\{(\w+)\}",
        lambda match: f"{{{match[1]}:{kinds[match[1]]}}}" if match[1] in kinds else match[0],
        path,
    )


def typed_path_parameters(router: APIRouter) -> None:
    """A path parameter typed UUID or int matches only such a segment (Starlette's path convertors).

    So `/accounts/audit` is never the account `audit`: `PATCH /accounts/audit` is a 405 naming the methods
    the path takes, not a 422 about a UUID, and an id that cannot be one is a 404. Bounds (a year from 2000)
    are still checked by the parameter's type, as a 422 naming it.
    """
    for route in router.routes:
        included = getattr(route, "original_router", None)  # a router included in this one
        if isinstance(included, APIRouter):
            typed_path_parameters(included)
        if not isinstance(route, APIRoute):
            continue
        kinds = {
            parameter.name: _CONVERTORS[parameter.field_info.annotation]
            for parameter in route.dependant.path_params
            if parameter.field_info.annotation in _CONVERTORS
        }
        path = _with_convertors(route.path, kinds)
        if path != route.path:
            route.path = path
            route.path_regex, route.path_format, route.param_convertors = compile_path(path)
