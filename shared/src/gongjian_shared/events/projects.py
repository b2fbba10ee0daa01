"""Events of the project registry (projects-api)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.registry import contract

UnitKind = Literal["county", "zone", "department", "enterprise", "office"]
ContactRole = Literal["leader", "responsible", "liaison"]
ProjectKind = Literal["key", "prephase", "planned", "attraction"]
PlanCategory = Literal["new-start", "continuing", "completion"]


class UnitContact(BaseModel):
    """A person of a unit who may be told about deadlines (personal data: replicas keep it private)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person_id: uuid.UUID
    role: ContactRole
    name: str
    phone: str | None = None
    email: str | None = None
    im_id: str | None = None


@contract
class UnitUpdated(EventPayload):
    event_type: ClassVar[str] = "unit-updated"
    stream: ClassVar[str] = "projects"
    description: ClassVar[str] = "A unit was created or changed (单位信息变更); replicas keep their own copy."

    unit_id: uuid.UUID
    name: str
    kind: UnitKind
    admin_code: str | None
    parent_unit_id: uuid.UUID | None
    joint_meeting_member: bool
    contacts: tuple[UnitContact, ...] = ()


@contract
class ProjectRegistered(EventPayload):
    event_type: ClassVar[str] = "project-registered"
    stream: ClassVar[str] = "projects"
    description: ClassVar[str] = "A project entered the registry (项目入库)."

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    kind: ProjectKind
    name: str
    code: str | None
    plan_category: PlanCategory | None
    total_investment_10k: Decimal
    planned_investment_10k: Decimal
    planned_start: date | None
    planned_completion: date | None


@contract
class ProgressReported(EventPayload):
    event_type: ClassVar[str] = "progress-reported"
    stream: ClassVar[str] = "projects"
    description: ClassVar[str] = "A monthly progress report was accepted (月度进度上报); figures in 万元."

    report_id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    month: int
    completed_10k: Decimal
    cumulative_10k: Decimal
    year_to_date_10k: Decimal
    physical_progress: str
    image_progress_percent: Decimal
    late: bool
    amendment: bool = False
