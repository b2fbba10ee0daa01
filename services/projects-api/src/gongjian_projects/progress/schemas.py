from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ReportStatus = Literal["submitted", "passed", "accepted", "returned"]


class ProgressReportCreate(BaseModel):
    """A monthly progress report (月度进度上报); amounts in 万元."""

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

    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
    completed_10k: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    cumulative_10k: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    physical_progress: str = Field(min_length=1, max_length=2000)
    image_progress_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    problems: str | None = Field(default=None, max_length=4000)
    over_total_reason: str | None = Field(
        default=None, max_length=1000, description="Required when cumulative exceeds the total investment."
    )


class ProgressReportOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    month: int
    completed_10k: Decimal
    cumulative_10k: Decimal
    physical_progress: str
    image_progress_percent: Decimal
    problems: str | None
    status: ReportStatus
    late: bool
    submitted_at: datetime
    accepted_at: datetime | None
