"""Carrying last year's entries into the year's plan (年度计划结转): all of a batch or none of it.

A project is one identity across the years; each year's plan holds one entry of it. Carrying over makes the
year's entry of the same identity, linked to last year's (`carried_from_id`), with the static data copied and
the year's category, planned investment, monthly plan, leaders and tier as given. Each new entry emits
`project-registered`, as a registration does, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from gongjian_projects.models import Project, ProjectStatusChange
from gongjian_projects.plans import carry_over
from gongjian_projects.plans.errors import CarryOverRefused
from gongjian_projects.plans.repository import PlanRepository
from gongjian_projects.plans.schemas import CarryOverCandidate, CarryOverItem, CarryOverRequest
from gongjian_projects.projects.service import (
    checked_leaders,
    checked_month_plan,
    entering_status,
    project_registered,
)
from gongjian_shared.auth import Principal
from gongjian_shared.errors import FieldError, NotFound, ProblemError, RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork

# copied from last year's entry: what the project is, not what the year plans for it
_STATIC_FIELDS = (
    "identity_id",
    "name",
    "code",
    "code_shape",
    "legacy_code",
    "region_code",
    "region_unit_id",
    "unit_id",
    "responsible_person",
    "industry",
    "location_admin_code",
    "address",
    "latitude",
    "longitude",
    "total_investment_10k",
    "planned_start",
    "planned_completion",
    "construction_content",
)


async def candidates(uow: UnitOfWork, year: int) -> list[CarryOverCandidate]:
    """Last year's entries that may enter `year`'s plan, with the category each would take."""
    return [
        CarryOverCandidate(
            project_id=row.id,
            identity_id=row.identity_id,
            year=row.year,
            kind=row.kind,
            name=row.name,
            code=row.code,
            unit_id=row.unit_id,
            plan_category=row.plan_category,
            status=row.status,
            started_on=row.started_on,
            planned_completion=row.planned_completion,
            total_investment_10k=row.total_investment_10k,
            planned_investment_10k=row.planned_investment_10k,
            suggested_category=carry_over.suggested_category(row, year),
        )
        for row in await PlanRepository(uow.session).carry_over_candidates(year)
    ]


def _refusals(
    command: CarryOverRequest, sources: dict[uuid.UUID, Project], in_year: set[uuid.UUID], year: int
) -> list[tuple[carry_over.Refusal, FieldError]]:
    seen: set[uuid.UUID] = set()
    found: list[tuple[carry_over.Refusal, FieldError]] = []
    for index, item in enumerate(command.entries):
        source = sources.get(item.from_project_id)
        if item.from_project_id in seen:
            refusal: carry_over.Ineligible | None = carry_over.Ineligible(
                "invalid", "from_project_id", "unique", "Named twice in the batch", "同一项目在本批中重复"
            )
        else:
            carried = source is not None and source.identity_id in in_year
            refusal = carry_over.refusal(source, year, item.plan_category, carried=carried)
        seen.add(item.from_project_id)
        if refusal is not None:
            field = f"entries[{index}].{refusal.field}"
            found.append(
                (refusal.kind, field_error(field, refusal.rule, refusal.message, refusal.message_zh))
            )
    return found


def _ensure_eligible(
    command: CarryOverRequest, sources: dict[uuid.UUID, Project], in_year: set[uuid.UUID], year: int
) -> None:
    """Every refusal of the batch at once: unknown entries (404) first, then conflicts with what they are
    (409), then what the request asks of them (422)."""
    found = _refusals(command, sources, in_year, year)
    for kind, error in (("not-found", NotFound), ("conflict", CarryOverRefused), ("invalid", RuleViolation)):
        errors = [field for refused, field in found if refused == kind]
        if errors:
            raise error(f"{len(errors)} of the entries cannot be carried into {year}.", errors=errors)


@contextmanager
def _item(index: int) -> Iterator[None]:
    """A registration rule broken by an item names the item's field (`entries[3].planned_by_month`)."""
    try:
        yield
    except ProblemError as error:
        for problem in error.errors:
            problem.field = f"entries[{index}].{problem.field}"
        raise


def _reason(entry: Project) -> str:
    return (
        f"carried over from the {entry.year - 1} plan as {entry.plan_category} "
        f"(结转自{entry.year - 1}年度计划)"
        + (", under construction (在建)" if entry.status == "started" else "")
    )


async def _new_entry(
    uow: UnitOfWork, index: int, source: Project, item: CarryOverItem, year: int, now: datetime
) -> Project:
    status = entering_status("key", item.plan_category)
    leader_ids = (
        item.leader_ids if item.leader_ids is not None else [link.leader_id for link in source.leaders]
    )
    with _item(index):
        leaders = await checked_leaders(uow.session, leader_ids)
        month_plan = checked_month_plan(item.planned_by_month, item.planned_investment_10k)
    return Project(
        id=uuid.uuid4(),
        carried_from_id=source.id,
        year=year,
        kind="key",
        plan_category=item.plan_category,
        planned_investment_10k=item.planned_investment_10k,
        provincial_key=source.provincial_key if item.provincial_key is None else item.provincial_key,
        status=status,
        started_on=source.started_on if status == "started" else None,
        revision=1,
        created_at=now,
        updated_at=now,
        leaders=leaders,
        month_plan=month_plan,
        **{name: getattr(source, name) for name in _STATIC_FIELDS},
    )


async def carry_over_entries(
    uow: UnitOfWork, principal: Principal, year: int, command: CarryOverRequest
) -> Sequence[Project]:
    """The year's new entries, in the order of the request; nothing at all when one item is refused."""
    plans = PlanRepository(uow.session)
    sources = await plans.entries_for_carry_over([item.from_project_id for item in command.entries])
    in_year = await plans.identities_in_year([source.identity_id for source in sources.values()], year)
    _ensure_eligible(command, sources, in_year, year)
    now, published = uow.clock.now(), await plans.is_published(year)
    created = []
    for index, item in enumerate(command.entries):
        entry = await _new_entry(uow, index, sources[item.from_project_id], item, year, now)
        entry.added_mid_year = published
        plans.add(entry)
        created.append(entry)
    await plans.flush()
    for entry in created:
        plans.add(
            ProjectStatusChange(
                id=uuid.uuid4(),
                project_id=entry.id,
                to_status=entry.status,
                changed_at=now,
                changed_by=principal.user_id,
                reason=_reason(entry),
            )
        )
        await uow.outbox.publish(uow.session, project_registered(entry), key=str(entry.id))
    await plans.flush()
    return created
