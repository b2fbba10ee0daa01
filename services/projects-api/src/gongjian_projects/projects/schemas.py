from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ProjectKind = Literal["key", "prephase", "planned", "attraction"]
PlanCategory = Literal["new-start", "continuing", "completion"]

# 统一项目代码: year (or year+month since 2020) - 6-digit division - industry - type - serial
PROJECT_CODE_PATTERN = r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$"


class ProjectCreate(BaseModel):
    """A project entering the year's plan (项目入库)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "year": 2019,
                    "kind": "key",
                    "name": "汉江五桥",
                    "code": "2019-610900-48-01-012345",
                    "unit_id": "00000000-0000-0000-0000-000000000000",
                    "plan_category": "new-start",
                    "total_investment_10k": "120000",
                    "planned_investment_10k": "30000",
                    "planned_start": "2019-04-01",
                    "planned_completion": "2021-12-31",
                }
            ]
        },
    )

    year: int = Field(ge=2000, le=2100)
    kind: ProjectKind
    name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, pattern=PROJECT_CODE_PATTERN)
    unit_id: uuid.UUID
    plan_category: PlanCategory | None = None
    total_investment_10k: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    planned_investment_10k: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    planned_start: date | None = None
    planned_completion: date | None = None
    construction_content: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> ProjectCreate:
        if self.planned_start and self.planned_completion and self.planned_completion < self.planned_start:
            raise ValueError("planned_completion must not be before planned_start")
        return self


class ProjectOut(BaseModel):
    id: uuid.UUID
    year: int
    kind: ProjectKind
    name: str
    code: str | None
    unit_id: uuid.UUID
    plan_category: PlanCategory | None
    total_investment_10k: Decimal
    planned_investment_10k: Decimal
    planned_start: date | None
    planned_completion: date | None
    construction_content: str | None
    status: str
    revision: int


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int
