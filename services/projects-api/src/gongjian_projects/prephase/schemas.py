from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Day, Instant, Line, RequestModel

Procedure = Literal[
    "proposal",
    "feasibility-study",
    "preliminary-design",
    "site-selection",
    "land",
    "environmental-assessment",
    "financing",
    "filing-approval",
]
ProcedureStatus = Literal["not-started", "in-progress", "done", "not-needed"]


class ProcedureUpdate(RequestModel):
    """A pre-phase procedure's state (前期手续): 项目建议书、可研、初步设计、规划选址、用地、环评、资金筹措、备案核准."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "status": "done",
                    "planned_on": "2019-04-30",
                    "actual_on": "2019-04-18",
                    "authority": "安康市发展和改革委员会",
                    "document_number": "安发改投资〔2019〕88号",
                }
            ]
        },
    )

    required: bool = True
    status: ProcedureStatus
    planned_on: Day | None = None
    actual_on: Day | None = None
    authority: Annotated[Line, Field(max_length=200)] | None = None
    document_number: Annotated[Line, Field(max_length=200)] | None = None


class ProcedureOut(BaseModel):
    procedure: Procedure
    required: bool
    status: ProcedureStatus
    planned_on: Day | None
    actual_on: Day | None
    authority: str | None
    document_number: str | None
    updated_at: Instant | None


class PrephaseOut(BaseModel):
    """A project's pre-phase procedures; the year's task is done when every required one is done."""

    project_id: str
    prephase_done: bool
    procedures: list[ProcedureOut]
