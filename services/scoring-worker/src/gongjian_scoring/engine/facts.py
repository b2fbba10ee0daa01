"""The facts document (考核事实): everything a score sheet is computed from, as one JSON document.

Fields that only some rule sets use are optional here; `missing_fields` checks them against the rule set at
compute time, so that a department document need not carry county-only fields and a county document lacking
one is rejected naming the unit and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from gongjian_scoring.engine.errors import FactsError, FactsErrorDetail, detail, format_loc
from gongjian_shared.types import Day, DecimalRules, Line, RequestModel

# 万元, as the registry writes them (a decimal string or a number; more places than money, for shares)
Amount10k = Annotated[Decimal, DecimalRules(18, 4, fixed_scale=False)]
Count = Annotated[int, Field(ge=0)]
Depth = Literal["none", "proposal", "feasibility"]
# 统一项目代码: year - administrative division - industry - type - serial; only the shape is checked. A
# project registered without one is named by its registry id instead (`project:<uuid>`).
PROJECT_CODE_PATTERN = (
    r"^([0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}"
    r"|project:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


class FactsModel(RequestModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class KeyProject(FactsModel):
    """A key project (重点项目) of the unit for the year; `started_on` is the recognised start date."""

    code: Annotated[str, Field(pattern=PROJECT_CODE_PATTERN)]
    planned_10k: Amount10k | None = None
    completed_10k: Amount10k | None = None
    new_start: bool | None = None
    started_on: Day | None = None
    planned_completion: bool | None = None
    completed_on: Day | None = None
    removed_on: Day | None = None
    provincial_key: bool | None = None
    ahead_of_schedule: bool | None = None


class PrephaseProject(FactsModel):
    code: Annotated[Line, Field(min_length=1, max_length=200)]
    done: bool | None = None


class PlannedProject(FactsModel):
    """A planned project (策划包装项目); feasibility depth implies proposal depth."""

    code: Annotated[Line, Field(min_length=1, max_length=200)]
    total_investment_10k: Amount10k | None = None
    depth: Depth | None = None
    in_prephase_plan_and_filed: bool | None = None
    proposed_for_next_year: bool | None = None


class Media(FactsModel):
    """Counts of publicity items carried, by level."""

    own_channels: Count | None = None
    city: Count | None = None
    provincial: Count | None = None
    central: Count | None = None


class SupportFailure(FactsModel):
    severe: bool | None = None


class Mechanism(FactsModel):
    established: bool | None = None
    managed: bool | None = None
    monthly_reporting: bool | None = None


class Targets(FactsModel):
    """The unit's tasks in Annex 2 (附件2 目标任务): how many key, pre-phase and planned projects.

    When a unit's facts carry them they decide which items apply and the pre-phase and planning counts (A16),
    and whether the unit is ranked at all (A17); other Annex 2 columns are ignored here.
    """

    key_projects: Count
    prephase_projects: Count
    planned_projects: Count

    def any_task(self) -> bool:
        return self.key_projects > 0 or self.prephase_projects > 0 or self.planned_projects > 0


class UnitFacts(FactsModel):
    """The facts of one unit (county, zone, department or enterprise) for the year.

    `targets` is optional: without it the registered projects decide applicability, as before A16, and the
    unit is ranked (A17); it is left out of the JSON when absent, so documents without it keep their shape.
    """

    unit: Annotated[Line, Field(min_length=1, max_length=200)]
    key_projects: list[KeyProject] | None = None
    prephase_projects: list[PrephaseProject] | None = None
    planning_task_done: bool | None = None
    planned_projects: list[PlannedProject] | None = None
    planning_funds_in_place_10k: Amount10k | None = None
    media: Media | None = None
    reporting_findings: Count | None = None
    support_failures: list[SupportFailure] | None = None
    mechanism: Mechanism | None = None
    disqualifying_incident: bool | None = None
    targets: Annotated[Targets | None, Field(exclude_if=lambda value: value is None)] = None

    def assessed(self) -> bool:
        """A17: with Annex 2 targets, a unit is ranked only when it has at least one task; without, always."""
        return self.targets is None or self.targets.any_task()


class FactsDocument(FactsModel):
    rule_set: Annotated[Line, Field(min_length=1, max_length=100)]
    year: Annotated[int, Field(ge=2000, le=2100)]
    as_of: Day
    units: Annotated[list[UnitFacts], Field(min_length=1)]


def parse_facts(data: str | bytes | Mapping[str, Any]) -> FactsDocument:
    """Validate a facts document (JSON text or a decoded mapping); raise `FactsError` naming each field.

    JSON text is preferred: its numbers are read as exact decimals.
    """
    try:
        if isinstance(data, str | bytes):
            document = FactsDocument.model_validate_json(data)
        else:
            document = FactsDocument.model_validate(data)
    except ValidationError as error:
        raise FactsError.from_validation_error(error, _raw_unit_names(data)) from None
    problems = consistency_problems(document, document.as_of)
    if problems:
        raise FactsError(problems)
    return document


def consistency_problems(document: FactsDocument, as_of: Day) -> list[FactsErrorDetail]:
    """Each unit once, and each unit's own facts consistent (see `unit_problems`)."""
    problems: list[FactsErrorDetail] = []
    seen_units: set[str] = set()
    for i, unit in enumerate(document.units):
        if unit.unit in seen_units:
            problems.append(detail(["units", i, "unit"], f"{unit.unit}: unit listed twice", "duplicate_unit"))
        seen_units.add(unit.unit)
        problems += unit_problems(unit, i, as_of)
    return problems


def unit_problems(unit: UnitFacts, index: int, as_of: Day) -> list[FactsErrorDetail]:
    """No date after the as-of date (a fact from the future), no key project listed twice."""
    problems: list[FactsErrorDetail] = []
    codes: set[str] = set()
    for j, project in enumerate(unit.key_projects or ()):
        at: list[str | int] = ["units", index, "key_projects", j]
        if project.code in codes:
            msg = f"{unit.unit}: key project {project.code} listed twice"
            problems.append(detail([*at, "code"], msg, "duplicate_project"))
        codes.add(project.code)
        for name in ("started_on", "completed_on", "removed_on"):
            value: Day | None = getattr(project, name)
            if value is not None and value > as_of:
                msg = f"{unit.unit}: {name} {value.isoformat()} is after as_of {as_of.isoformat()} ({project.code})"
                problems.append(detail([*at, name], msg, "date_after_as_of"))
    return problems


def missing_fields(unit: UnitFacts, index: int, needs: Iterable[tuple[str, str]]) -> list[FactsErrorDetail]:
    """Fields the rule set needs (path, item id) that the unit lacks, one error per field location."""
    needed_by: dict[tuple[str | int, ...], list[str]] = {}
    for path, item_id in needs:
        for loc in _missing(unit, path.split("."), ()):
            users = needed_by.setdefault(loc, [])
            if item_id not in users:
                users.append(item_id)
    return [
        detail(
            ["units", index, *loc],
            f"{unit.unit}: missing field {format_loc(loc)}, needed by {', '.join(users)} / 缺少评分所需字段",
            "missing",
        )
        for loc, users in needed_by.items()
    ]


def _missing(obj: object, segments: Sequence[str], loc: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    if not segments:
        return []
    name = segments[0].removesuffix("[]")
    value = getattr(obj, name)
    if value is None:
        return [(*loc, name)]
    if segments[0].endswith("[]"):
        rest = segments[1:]
        if len(rest) == 1 and not rest[0].endswith("[]"):  # the usual case, a field of each element
            field = rest[0]
            return [
                (*loc, name, j, field) for j, element in enumerate(value) if getattr(element, field) is None
            ]
        return [m for j, element in enumerate(value) for m in _missing(element, rest, (*loc, name, j))]
    return _missing(value, segments[1:], (*loc, name))


def _raw_unit_names(data: str | bytes | Mapping[str, Any]) -> list[str | None]:
    raw: Any = data
    if isinstance(data, str | bytes):
        try:
            raw = json.loads(data)
        except ValueError:
            return []
    units = raw.get("units") if isinstance(raw, Mapping) else None
    if not isinstance(units, list):
        return []
    return [
        u.get("unit") if isinstance(u, Mapping) and isinstance(u.get("unit"), str) else None for u in units
    ]
