"""What planned (策划包装) and attraction (招商引资) projects add to a project, and the attraction handover."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from gongjian_projects.models import Project
from gongjian_projects.projects.errors import AttractionStageConflict
from gongjian_projects.projects.schemas import (
    ATTRACTION_STAGE_ORDER,
    AttractionFields,
    AttractionOut,
    AttractionStage,
    CapitalOrigin,
    PlannedFields,
    PlannedOut,
    PlannedTier,
    PlanningDepth,
)
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.events.projects import PlannedProjectUpdated

if TYPE_CHECKING:
    from gongjian_projects.projects.repository import ProjectRecord

# 20亿元 and 100亿元 in 万元
OVER_2BN_10K = Decimal(200_000)
OVER_10BN_10K = Decimal(1_000_000)
# AttractionFields -> Project column
ATTRACTION_COLUMNS = {
    "stage": "attraction_stage",
    "signed_on": "attraction_signed_on",
    "landed_on": "attraction_landed_on",
    "started_on": "attraction_started_on",
    "signed_amount_10k": "signed_amount_10k",
    "funds_in_place_10k": "funds_in_place_10k",
    "signed_amount_usd_10k": "signed_amount_usd_10k",
    "funds_in_place_usd_10k": "funds_in_place_usd_10k",
    "capital_origin": "capital_origin",
    "returning_entrepreneur": "returning_entrepreneur",
}
STAGE_DATE_COLUMNS = ("attraction_signed_on", "attraction_landed_on", "attraction_started_on")


def tier_of(total_investment_10k: Decimal) -> PlannedTier:
    if total_investment_10k >= OVER_10BN_10K:
        return "over-10bn"
    return "over-2bn" if total_investment_10k >= OVER_2BN_10K else "below-2bn"


def _mismatch(field: str, kind: str) -> RuleViolation:
    return RuleViolation(
        errors=[
            field_error(
                field,
                "kind-mismatch",
                f"`{field}` belongs to {kind} projects only",
                f"`{field}` 仅适用于{'策划包装' if kind == 'planned' else '招商引资'}项目",
            )
        ]
    )


def apply_kind_fields(
    project: Project,
    planned: PlannedFields | None,
    attraction: AttractionFields | None,
    *,
    creating: bool,
) -> None:
    """Set the kind's own fields; another kind's fields are refused. New projects get the kind's defaults."""
    if planned is not None and project.kind != "planned":
        raise _mismatch("planned", "planned")
    if attraction is not None and project.kind != "attraction":
        raise _mismatch("attraction", "attraction")
    if project.kind == "planned" and (planned is not None or creating):
        planned = planned or PlannedFields()
        project.planning_depth = planned.depth
        project.in_prephase_plan_and_filed = planned.in_prephase_plan_and_filed
        project.proposed_for_next_year = planned.proposed_for_next_year
    if project.kind == "attraction" and (attraction is not None or creating):
        _apply_attraction(project, attraction or AttractionFields(), creating=creating)


def _apply_attraction(project: Project, attraction: AttractionFields, *, creating: bool) -> None:
    """A new project takes every field; a change only those it names. The stage moves forward only through
    its own route, so a change naming another stage is a conflict; dates of stages not reached are refused."""
    given = attraction.model_dump(exclude_unset=not creating)
    if not creating and given.get("stage", project.attraction_stage) != project.attraction_stage:
        raise AttractionStageConflict(
            errors=[
                field_error(
                    "attraction.stage",
                    "forward-by-route",
                    "The stage moves forward through POST /api/v1/projects/{project_id}/attraction-stage",
                    "招商阶段只能通过阶段推进接口依次推进",
                )
            ]
        )
    for name, column in ATTRACTION_COLUMNS.items():
        if name in given:
            setattr(project, column, given[name])
    reached = ATTRACTION_STAGE_ORDER.index(project.attraction_stage or "signed")
    dates = [getattr(project, column) for column in STAGE_DATE_COLUMNS]
    present = [day for day in dates if day is not None]
    if any(day is not None for day in dates[reached + 1 :]) or present != sorted(present):
        raise RuleViolation(
            errors=[
                field_error(
                    "attraction",
                    "stage-dates",
                    "Stage dates only for stages reached, in order: signed, landed, started",
                    "阶段日期只能填写已到达的阶段，且依次不早于前一阶段",
                )
            ]
        )


def planned_out(project: Project | ProjectRecord) -> PlannedOut | None:
    if project.kind != "planned":
        return None
    return PlannedOut.model_construct(  # stored values, validated when they came in (as the location)
        depth=cast(PlanningDepth, project.planning_depth or "none"),
        in_prephase_plan_and_filed=bool(project.in_prephase_plan_and_filed),
        proposed_for_next_year=bool(project.proposed_for_next_year),
        tier=tier_of(project.total_investment_10k),
    )


def attraction_out(project: Project | ProjectRecord) -> AttractionOut | None:
    if project.kind != "attraction":
        return None
    return AttractionOut.model_construct(  # stored values, validated when they came in (as the location)
        stage=cast(AttractionStage, project.attraction_stage or "signed"),
        signed_on=project.attraction_signed_on,
        landed_on=project.attraction_landed_on,
        started_on=project.attraction_started_on,
        signed_amount_10k=project.signed_amount_10k,
        funds_in_place_10k=project.funds_in_place_10k,
        signed_amount_usd_10k=project.signed_amount_usd_10k,
        funds_in_place_usd_10k=project.funds_in_place_usd_10k,
        capital_origin=cast(CapitalOrigin, project.capital_origin or "domestic"),
        returning_entrepreneur=bool(project.returning_entrepreneur),
        handed_over_to_id=project.handed_over_to_id,
    )


def planned_project_updated(project: Project) -> PlannedProjectUpdated:
    return PlannedProjectUpdated(
        project_id=project.id,
        unit_id=project.unit_id,
        year=project.year,
        total_investment_10k=project.total_investment_10k,
        depth=project.planning_depth or "none",
        in_prephase_plan_and_filed=bool(project.in_prephase_plan_and_filed),
        proposed_for_next_year=bool(project.proposed_for_next_year),
    )
