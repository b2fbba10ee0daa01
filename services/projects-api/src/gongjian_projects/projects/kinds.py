"""What planned (策划包装) and attraction (招商引资) projects add to a project, and the attraction handover."""

from __future__ import annotations

from decimal import Decimal

from gongjian_projects.models import Project
from gongjian_projects.projects.schemas import (
    AttractionFields,
    AttractionOut,
    PlannedFields,
    PlannedOut,
    PlannedTier,
)
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.events.projects import PlannedProjectUpdated

# 20亿元 and 100亿元 in 万元
OVER_2BN_10K = Decimal(200_000)
OVER_10BN_10K = Decimal(1_000_000)


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
        attraction = attraction or AttractionFields()
        project.attraction_stage = attraction.stage
        project.signed_amount_10k = attraction.signed_amount_10k
        project.funds_in_place_10k = attraction.funds_in_place_10k
        project.capital_origin = attraction.capital_origin
        project.returning_entrepreneur = attraction.returning_entrepreneur


def planned_out(project: Project) -> PlannedOut | None:
    if project.kind != "planned":
        return None
    return PlannedOut(
        depth=project.planning_depth or "none",
        in_prephase_plan_and_filed=bool(project.in_prephase_plan_and_filed),
        proposed_for_next_year=bool(project.proposed_for_next_year),
        tier=tier_of(project.total_investment_10k),
    )


def attraction_out(project: Project) -> AttractionOut | None:
    if project.kind != "attraction":
        return None
    return AttractionOut(
        stage=project.attraction_stage or "signed",
        signed_amount_10k=project.signed_amount_10k,
        funds_in_place_10k=project.funds_in_place_10k,
        capital_origin=project.capital_origin or "domestic",
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
