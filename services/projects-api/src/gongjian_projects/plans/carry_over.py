"""Which of last year's plan entries may enter this year's plan (结转), and as what: pure rules.

- a key project (重点项目) of last year, started, not completed and not removed, carries over as continuing
  (续建) or completion (竣工), under construction from the year's start;
- a planned project (策划包装项目) of last year proposed for next year (拟列入下年度计划), not removed, is
  promoted into the year's key-project plan as a new start (新开工), not started yet;
- nothing else: a completed or removed project, a new start that never started, an entry of another year,
  one already carried into the year, pre-phase and attraction projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from gongjian_projects.models import Project

Refusal = Literal["not-found", "conflict", "invalid"]
CARRIED_CATEGORIES = ("continuing", "completion")


@dataclass(frozen=True)
class Ineligible:
    """Why an entry may not be carried over: how to answer (`kind`), the rule, and the reason in both
    languages; `field` is the item's field it concerns."""

    kind: Refusal
    field: str
    rule: str
    message: str
    message_zh: str


def suggested_category(source: Project, year: int) -> str | None:
    """The category a candidate enters `year` with: a key project planned to complete within `year` as a
    completion project, otherwise continuing; a planned project as a new start. None: not a candidate."""
    if source.kind == "planned":
        return "new-start"
    if source.kind != "key":
        return None
    completes = source.planned_completion is not None and source.planned_completion <= date(year, 12, 31)
    return "completion" if completes else "continuing"


def _state_refusal(source: Project, year: int) -> Ineligible | None:
    def conflict(rule: str, message: str, message_zh: str) -> Ineligible:
        return Ineligible("conflict", "from_project_id", rule, message, message_zh)

    if source.year != year - 1:
        return conflict(
            "previous-year",
            f"An entry of the {year - 1} plan carries into {year}; this one is of {source.year}",
            f"只能结转 {year - 1} 年度计划的项目，该项目属于 {source.year} 年度",
        )
    if source.status == "removed":
        return conflict("on-plan", "The project was taken off the plan", "该项目已调出计划")
    if source.kind == "key" and source.status == "completed":
        return conflict("not-completed", "The project is completed", "该项目已竣工")
    if source.kind == "key" and source.status != "started":
        return conflict(
            "started",
            "The project never started: register it anew",
            "该项目未开工，不能作为续建或竣工项目结转",
        )
    if source.kind == "planned" and not source.proposed_for_next_year:
        return conflict(
            "proposed-for-next-year",
            "The planned project is not proposed for next year's plan",
            "该策划项目未拟列入下年度计划",
        )
    if source.kind not in ("key", "planned"):
        return conflict(
            "carried-kind",
            "Only key projects and planned projects proposed for next year carry over",
            "只有重点项目和拟列入下年度计划的策划项目可以结转",
        )
    return None


def refusal(source: Project | None, year: int, category: str, *, carried: bool) -> Ineligible | None:
    """Why `source` may not enter `year`'s plan as `category` (None: it may); `carried`: the project already
    has an entry in `year`."""
    if source is None:
        return Ineligible("not-found", "from_project_id", "exists", "No such project", "项目不存在")
    state = _state_refusal(source, year)
    if state is not None:
        return state
    if carried:
        return Ineligible(
            "conflict",
            "from_project_id",
            "not-carried-yet",
            f"The project is already on the {year} plan",
            f"该项目已在 {year} 年度计划中",
        )
    wanted = CARRIED_CATEGORIES if source.kind == "key" else ("new-start",)
    if category not in wanted:
        return Ineligible(
            "invalid",
            "plan_category",
            "carried-category",
            f"This project enters as {' or '.join(wanted)}",
            "重点项目须作为续建或竣工项目结转" if source.kind == "key" else "策划项目须作为新开工项目转入",
        )
    return None
