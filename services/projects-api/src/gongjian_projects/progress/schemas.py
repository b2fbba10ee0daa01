from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Instant, Money, MoneyOut, Multiline, Percent, RequestModel, Year

ReportStatus = Literal["submitted", "passed", "accepted", "returned"]
StepAction = Literal["submitted", "resubmitted", "passed", "returned", "accepted", "amended"]

Reason = Annotated[Multiline, Field(min_length=1, max_length=1000)]


class ReportFigures(RequestModel):
    """A month's figures (月度进度), amounts in 万元."""

    model_config = ConfigDict(extra="forbid")

    completed_10k: Money
    cumulative_10k: Money
    physical_progress: Annotated[Multiline, Field(min_length=1, max_length=2000)]
    image_progress_percent: Percent
    problems: Annotated[Multiline, Field(max_length=4000)] | None = None
    over_total_reason: Annotated[Multiline, Field(max_length=1000)] | None = Field(
        default=None, description="Required when cumulative exceeds the total investment."
    )


class ProgressReportCreate(ReportFigures):
    """A monthly progress report (月度进度上报); the unit submits one per key project per month."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "year": 2019,
                    "month": 5,
                    "completed_10k": "1200",
                    "cumulative_10k": "5200",
                    "physical_progress": "主体结构完成 60%",
                    "image_progress_percent": "60",
                    "problems": None,
                }
            ]
        },
    )

    year: Year
    month: int = Field(ge=1, le=12)


class ReturnRequest(RequestModel):
    """Send a report back to the unit with the reason (退回)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "累计数与台账不符"}]}
    )

    reason: Reason


class AmendmentCreate(RequestModel):
    """Correct an accepted report (更正), with the reason; audited. A frozen month's correction lands
    in the next open month."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"completed_10k": "1300", "reason": "漏报设备采购 100 万元"}]},
    )

    completed_10k: Money
    physical_progress: Annotated[Multiline, Field(min_length=1, max_length=2000)] | None = None
    image_progress_percent: Percent | None = None
    problems: Annotated[Multiline, Field(max_length=4000)] | None = None
    over_total_reason: Annotated[Multiline, Field(max_length=1000)] | None = None
    reason: Reason


class ProgressReportOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    month: int
    completed_10k: MoneyOut
    adjustment_10k: MoneyOut = Field(description="Corrections of frozen months that landed in this month.")
    cumulative_10k: MoneyOut
    physical_progress: str
    image_progress_percent: Decimal
    problems: str | None
    over_total_reason: str | None
    status: ReportStatus
    returned_reason: str | None
    late: bool
    submitted_at: Instant
    accepted_at: Instant | None
    revision: int


class ReportPage(BaseModel):
    items: list[ProgressReportOut]
    total: int


class ReportStepOut(BaseModel):
    action: StepAction
    actor_id: uuid.UUID
    actor_role: str
    at: Instant
    reason: str | None


class AmendmentOut(BaseModel):
    id: uuid.UUID
    report_id: uuid.UUID
    year: int
    month: int
    lands_year: int
    lands_month: int
    landed_in_next_month: bool
    applied_report_id: uuid.UUID | None
    old_completed_10k: MoneyOut
    new_completed_10k: MoneyOut
    delta_10k: MoneyOut
    changes: dict[str, Any]
    reason: str
    amended_by: uuid.UUID
    amended_at: Instant


class ReportHistoryOut(BaseModel):
    steps: list[ReportStepOut]
    amendments: list[AmendmentOut]
