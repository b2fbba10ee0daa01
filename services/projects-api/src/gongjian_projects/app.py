"""projects-api: the project registry (项目库), progress reports, units and accounts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fastapi import FastAPI

from gongjian_projects.accounts.router import router as accounts_router
from gongjian_projects.attraction.router import router as attraction_router
from gongjian_projects.calendar.router import router as calendar_router
from gongjian_projects.concentrated_starts.router import router as concentrated_starts_router
from gongjian_projects.deps import forgetting_access
from gongjian_projects.early_warning.router import router as early_warning_router
from gongjian_projects.evidence import jobs as evidence_jobs
from gongjian_projects.evidence.router import router as evidence_router
from gongjian_projects.exchange import jobs as exchange_jobs
from gongjian_projects.exchange.handlers import PUSH_HANDLERS
from gongjian_projects.exchange.router import changes_router, plan_export_router, push_router
from gongjian_projects.idempotency import jobs as idempotency_jobs
from gongjian_projects.identity import jobs as identity_jobs
from gongjian_projects.identity.router import router as identity_router
from gongjian_projects.imports.router import router as imports_router
from gongjian_projects.leaders import jobs as leaders_jobs
from gongjian_projects.leaders.router import router as leaders_router
from gongjian_projects.ledger import handlers as ledger_handlers
from gongjian_projects.ledger.router import router as ledger_router
from gongjian_projects.models import BUS, SCHEMA, Base
from gongjian_projects.plans.router import router as plans_router
from gongjian_projects.prephase.router import router as prephase_router
from gongjian_projects.progress.router import router as progress_router
from gongjian_projects.projects.router import router as projects_router
from gongjian_projects.provincial.router import router as provincial_router
from gongjian_projects.recognitions.router import queue_router as recognition_queue_router
from gongjian_projects.recognitions.router import router as recognitions_router
from gongjian_projects.reporting import jobs as reporting_jobs
from gongjian_projects.reporting.router import router as reporting_router
from gongjian_projects.settings import ProjectsSettings
from gongjian_projects.statistics.router import router as statistics_router
from gongjian_projects.units.router import router as units_router
from gongjian_shared.bus.consumer import Handlers
from gongjian_shared.clock import Clock
from gongjian_shared.events.meetings import ResolutionClosed
from gongjian_shared.service import ServiceSpec, build_service_app

SERVICE_NAME = "projects-api"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = (
    "/api/v1/auth",
    "/api/v1/accounts",
    "/api/v1/service-accounts",
    "/api/v1/units",
    "/api/v1/projects",
    "/api/v1/progress-reports",
    "/api/v1/recognitions",
    "/api/v1/leaders",
    "/api/v1/ledger",
    "/api/v1/early-warning",
    "/api/v1/plans",
    "/api/v1/statistics",
    "/api/v1/concentrated-starts",
    "/api/v1/attraction",
    "/api/v1/calendar",
    "/api/v1/changes",
    "/api/v1/push",
    "/api/v1/provincial",
    "/.well-known",  # the token keys (JWKS), served by build_service_app where the service signs
)

# The service's event handlers, by consumer group (`projects-api.<group>`) and payload class.
EVENT_HANDLERS: dict[str, Handlers] = {
    "ledger": {ResolutionClosed: ledger_handlers.on_resolution_closed},
}

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian projects-api (项目库)",
    description="Units, accounts, the key-project registry and monthly progress reports.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(
        identity_router,
        accounts_router,
        units_router,
        leaders_router,
        imports_router,
        projects_router,
        prephase_router,
        recognitions_router,
        recognition_queue_router,
        reporting_router,
        progress_router,
        ledger_router,
        early_warning_router,
        plans_router,
        plan_export_router,
        changes_router,
        push_router,
        statistics_router,
        evidence_router,
        concentrated_starts_router,
        attraction_router,
        calendar_router,
        provincial_router,
    ),
    event_handlers=EVENT_HANDLERS,
    process_memory=forgetting_access,
    background=lambda context: (
        *identity_jobs.jobs(context),
        *reporting_jobs.jobs(context),
        *idempotency_jobs.jobs(context),
        *evidence_jobs.jobs(context),
        *leaders_jobs.jobs(context),
        *exchange_jobs.jobs(context),
    ),
)


# The push adapter's consumer group (`projects-api.push`): only where PROJECTS_PUSH__URL is set. Its first run
# starts at the beginning of the registry's log, so the receiver gets every change once.
PUSH_GROUP = "push"


def spec_for(settings: ProjectsSettings) -> ServiceSpec:
    if not settings.push.enabled:
        return SPEC
    return dataclasses.replace(SPEC, event_handlers={**EVENT_HANDLERS, PUSH_GROUP: PUSH_HANDLERS})


def create_app(settings: ProjectsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ProjectsSettings()
    return build_service_app(spec_for(settings), settings, clock)
