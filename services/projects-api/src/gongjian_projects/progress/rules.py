"""The rules a monthly report's figures and month answer to, pure: each refusal a 409 naming the field."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from gongjian_projects.models import ProgressReport, Project, ReportingMonth
from gongjian_projects.progress.errors import ReportExists
from gongjian_projects.progress.schemas import ReportFigures
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.errors import Conflict, field_error


def over_total_check(project: Project, cumulative: Decimal, reason: str | None) -> None:
    if cumulative > project.total_investment_10k and not reason:
        raise Conflict(
            errors=[
                field_error(
                    "over_total_reason",
                    "required-over-total",
                    "Cumulative exceeds the total investment: give a reason",
                    "累计完成超过总投资，须说明原因",
                )
            ]
        )


def check_figures(
    project: Project,
    previous: ProgressReport | None,
    following: ProgressReport | None,
    figures: ReportFigures,
    adjustment: Decimal,
) -> None:
    """Cumulative = the earlier cumulative + this month (+ corrections landing here); never decreasing."""
    expected = (previous.cumulative_10k if previous else Decimal(0)) + figures.completed_10k + adjustment
    if previous is not None and figures.cumulative_10k != expected:
        raise Conflict(
            f"Cumulative must be {expected} (previous cumulative {previous.cumulative_10k} + this month).",
            errors=[
                field_error(
                    "cumulative_10k",
                    "matches-history",
                    f"Expected {expected} 万元 from the earlier reports",
                    f"累计完成应为 {expected} 万元（上月累计 + 本月完成）",
                )
            ],
        )
    if previous is None and figures.cumulative_10k < figures.completed_10k + adjustment:
        raise Conflict(
            errors=[
                field_error(
                    "cumulative_10k",
                    "not-below-month",
                    "Cumulative cannot be below this month's figure",
                    "累计完成不能小于本月完成",
                )
            ]
        )
    if following is not None and following.cumulative_10k < figures.cumulative_10k:
        raise Conflict(
            errors=[
                field_error(
                    "cumulative_10k", "never-decreases", "Cumulative would decrease later", "累计完成不能减少"
                )
            ]
        )
    over_total_check(project, figures.cumulative_10k, figures.over_total_reason)


def ensure_on_the_plan(project: Project) -> None:
    if project.kind != "key" or project.status == "removed":
        raise Conflict(
            errors=[
                field_error(
                    "project_id",
                    "key-project-on-plan",
                    "Monthly reports are for key projects on the plan",
                    "月度进度仅限计划内的重点项目",
                )
            ]
        )


def ensure_not_future(year: int, month: int, now: datetime) -> None:
    today = now.astimezone(SHANGHAI).date()
    if (year, month) > (today.year, today.month):
        raise Conflict(
            f"{year}-{month:02d} is in the future.",
            errors=[
                field_error("month", "not-future", "A future month cannot be reported", "不能上报未来月份")
            ],
        )


def ensure_window_open(window: ReportingMonth, now: datetime) -> None:
    """A frozen month takes no report; one not yet open neither. After the close a report is late, not refused."""
    if window.frozen_at is not None:
        raise Conflict(
            errors=[
                field_error(
                    "month",
                    "month-frozen",
                    "The month is frozen: report it with the next month",
                    "该月已冻结，请在下月报告中反映",
                )
            ]
        )
    if now < window.opens_at:
        raise Conflict(
            errors=[
                field_error(
                    "month",
                    "window-not-open",
                    f"The window opens at {window.opens_at.isoformat()}",
                    f"填报窗口 {window.opens_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 开启",
                )
            ]
        )


def ensure_first_of_month(project: Project, same: ProgressReport | None, year: int, month: int) -> None:
    if same is not None:
        raise ReportExists(
            f"Project {project.id} already has a report for {year}-{month:02d}.",
            errors=[field_error("month", "one-per-month", "Already reported", "本月已上报")],
        )
