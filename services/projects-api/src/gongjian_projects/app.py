"""projects-api: the project registry (项目库), progress reports, units and accounts."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from gongjian_shared.clock import Clock
from gongjian_shared.service import ServiceSpec, build_service_app

from gongjian_projects.identity.router import router as identity_router
from gongjian_projects.models import BUS, SCHEMA, Base
from gongjian_projects.progress.router import router as progress_router
from gongjian_projects.projects.router import router as projects_router
from gongjian_projects.settings import ProjectsSettings
from gongjian_projects.units.router import router as units_router

SERVICE_NAME = "projects-api"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/auth", "/api/v1/units", "/api/v1/projects", "/api/v1/progress-reports")

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian projects-api (项目库)",
    description="Units, accounts, the key-project registry and monthly progress reports.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(identity_router, units_router, projects_router, progress_router),
)


def create_app(settings: ProjectsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return build_service_app(SPEC, settings or ProjectsSettings(), clock)
