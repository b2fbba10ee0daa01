"""scoring-worker: the assessment engine (考核评分), driven by the registry's events."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from fastapi import FastAPI

from gongjian_scoring.assessments.router import router as assessments_router
from gongjian_scoring.engine.facts import FactsDocument
from gongjian_scoring.engine.rules import RuleSet
from gongjian_scoring.facts import handlers as facts_handlers
from gongjian_scoring.facts.router import router as facts_router
from gongjian_scoring.facts.service import FactEvent
from gongjian_scoring.judgements.router import router as judgements_router
from gongjian_scoring.models import BUS, SCHEMA, UNIT_REPLICA, Base
from gongjian_scoring.rule_sets.router import router as rule_sets_router
from gongjian_scoring.scores.router import router as scores_router
from gongjian_scoring.settings import ScoringSettings
from gongjian_shared.bus.consumer import Handlers, Remember
from gongjian_shared.clock import Clock
from gongjian_shared.contract import request_body_schemas
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import AnnualTargetsSet, UnitUpdated
from gongjian_shared.replica import forgetting_unit_tree
from gongjian_shared.service import ServiceContext, ServiceSpec, build_service_app

SERVICE_NAME = "scoring-worker"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/scoring",)


# The service's event handlers, by consumer group (`scoring-worker.<group>`) and payload class.
EVENT_HANDLERS: dict[str, Handlers] = {
    "facts": {
        # every registry event that changes a project's facts (`facts.service.FactEvent`)
        **dict.fromkeys(get_args(FactEvent), facts_handlers.on_fact_event),
        UnitUpdated: facts_handlers.on_unit_updated,
        AnnualTargetsSet: facts_handlers.on_targets_set,
    }
}


def remembers(context: ServiceContext) -> dict[str, dict[type[EventPayload], Remember]]:
    """Units change the tree the access policy reads: the cached one is dropped once the change commits."""
    return {"facts": forgetting_unit_tree(context, UNIT_REPLICA)}


SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian scoring-worker (考核评分)",
    description="The annual assessment: facts from events, score sheets, standings.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(facts_router, rule_sets_router, judgements_router, scores_router, assessments_router),
    event_handlers=EVENT_HANDLERS,
    remembers=remembers,
)


def create_app(settings: ScoringSettings | None = None, clock: Clock | None = None) -> FastAPI:
    app = build_service_app(SPEC, settings or ScoringSettings(), clock)
    # read from the raw body by POST /facts/imports and the rule-set routes
    request_body_schemas(app, FactsDocument, RuleSet)
    return app
