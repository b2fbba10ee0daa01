from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Day, Instant, Multiline, NotNullPatch, RequestModel

# 审批、征地拆迁、土地（用地指标、供地）、水电路气、施工、融资贷款、营商环境、用工、其他
ObstacleCategory = Literal[
    "approvals",
    "land-and-demolition",
    "land",
    "utilities",
    "construction",
    "financing",
    "business-environment",
    "hiring",
    "other",
]
ObstacleStatus = Literal["open", "in-progress", "resolved", "escalated"]
Text = Annotated[Multiline, Field(min_length=1, max_length=4000)]
OptionalText = Annotated[Multiline, Field(max_length=4000)]


class ObstacleCreate(RequestModel):
    """An obstacle of a project in the push ledger (攻坚台帐): 审批、征地拆迁、土地、水电路气、施工、融资贷款、营商环境、
    用工、其他. `responsible_unit_id` names the unit asked to help clear it (协助单位): it sees the obstacle and
    records what it did, but changes nothing else."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "project_id": "00000000-0000-0000-0000-000000000000",
                    "category": "land-and-demolition",
                    "description": "二期用地 30 亩征迁未完成",
                    "due_on": "2019-08-31",
                    "proposed_solution": "请汉滨区政府牵头集中征迁",
                }
            ]
        },
    )

    project_id: uuid.UUID
    category: ObstacleCategory
    description: Text
    responsible_unit_id: uuid.UUID | None = None
    due_on: Day | None = None
    proposed_solution: OptionalText | None = None


class ObstacleUpdate(NotNullPatch):
    """Changed fields (更新台帐); send the ETag as `If-Match`. Escalation has its own action."""

    model_config = ConfigDict(extra="forbid")

    not_nullable = ("category", "description", "status")

    category: ObstacleCategory | None = None
    description: Text | None = None
    responsible_unit_id: uuid.UUID | None = None
    due_on: Day | None = None
    status: Literal["open", "in-progress", "resolved"] | None = None
    proposed_solution: OptionalText | None = None


class ActionCreate(RequestModel):
    """An action taken to clear the obstacle (推进措施)."""

    model_config = ConfigDict(extra="forbid")

    taken_on: Day
    description: Text


class EscalateRequest(RequestModel):
    """Take the obstacle to the joint meeting as a topic (提交联席会议)."""

    model_config = ConfigDict(extra="forbid")

    proposed_solution: Text | None = None


class ObstacleActionOut(BaseModel):
    taken_on: Day
    description: str
    actor_id: uuid.UUID | None = Field(
        description="Who recorded it; null when the joint meeting's resolution did."
    )
    resolution_id: uuid.UUID | None = Field(
        default=None, description="The joint-meeting resolution (议定事项) this records, if any."
    )
    recorded_at: Instant


class ObstacleOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    category: ObstacleCategory
    description: str
    responsible_unit_id: uuid.UUID | None
    due_on: Day | None
    status: ObstacleStatus
    proposed_solution: str | None
    overdue: bool
    resolved_on: Day | None
    escalated_at: Instant | None
    closed_by_resolution_id: uuid.UUID | None = Field(
        default=None, description="The joint meeting's resolution (议定事项) whose closing closed it."
    )
    revision: int
    actions: list[ObstacleActionOut] = Field(default_factory=list)


class ObstaclePage(BaseModel):
    items: list[ObstacleOut]
    total: int
