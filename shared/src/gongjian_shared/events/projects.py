"""Events of the project registry (projects-api)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
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
    summary: ClassVar[str] = "A unit was created or changed (单位信息变更); replicas keep their own copy."

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
    summary: ClassVar[str] = "A project entered the registry (项目入库)."

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
    # flagged at registration as a provincial key project (省级重点项目, C4.1); absent from older events
    provincial_key: bool = False
    # the project as one identity across the years, and the previous year's entry this one was carried over
    # from (结转); absent from older events
    identity_id: uuid.UUID | None = None
    carried_from_id: uuid.UUID | None = None


@contract
class ProgressReported(EventPayload):
    event_type: ClassVar[str] = "progress-reported"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A monthly progress report was accepted (月度进度上报); figures in 万元."

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
    # set when a correction of a frozen month landed in this month: which month it corrects (更正计入本月)
    adjustment_10k: Decimal = Decimal(0)
    corrected_year: int | None = None
    corrected_month: int | None = None


@contract
class ProjectUpdated(EventPayload):
    event_type: ClassVar[str] = "project-updated"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A project's plan data changed (项目信息变更); carries the full current state."

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
    status: str
    provincial_key: bool = False
    leader_ids: tuple[uuid.UUID, ...] = ()


@contract
class ProgressReportLate(EventPayload):
    event_type: ClassVar[str] = "progress-report-late"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A monthly report came in after its window closed (逾期上报)."

    report_id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    month: int
    window_closed_at: datetime


@contract
class ProgressReportReturned(EventPayload):
    event_type: ClassVar[str] = "progress-report-returned"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A reviewer or the office returned a monthly report (退回), with the reason."

    report_id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    month: int
    reason: str
    returned_by_role: str


class UnitOwing(BaseModel):
    """A unit that still owes something, with the people to remind (so the notifier needs nothing else)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit_id: uuid.UUID
    unit_name: str
    liaisons: tuple[UnitContact, ...] = ()
    project_ids: tuple[uuid.UUID, ...] = ()


@contract
class ProgressReportDue(EventPayload):
    event_type: ClassVar[str] = "progress-report-due"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A reporting window closes soon; names the projects not yet reported (催报)."

    year: int
    month: int
    window_closes_at: datetime
    units: tuple[UnitOwing, ...]


@contract
class ProjectStarted(EventPayload):
    event_type: ClassVar[str] = "project-started"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "The office recognised a project's start (开工认定)."

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    started_on: date
    recognised_on: date


@contract
class ProjectCompleted(EventPayload):
    event_type: ClassVar[str] = "project-completed"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "The office recognised a project's completion (竣工认定)."

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    completed_on: date
    recognised_on: date


@contract
class ProjectRemovedFromPlan(EventPayload):
    event_type: ClassVar[str] = "project-removed-from-plan"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A project was taken off the year's plan (调出计划), with reason and approver."

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    removed_on: date
    reason: str
    approved_by: str


@contract
class PrephaseProcedureUpdated(EventPayload):
    event_type: ClassVar[str] = "prephase-procedure-updated"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A pre-phase procedure changed (前期手续); says whether the year's task is done."

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    procedure: str
    status: str
    actual_date: date | None
    prephase_done: bool


PlanningDepth = Literal["none", "proposal", "feasibility"]


@contract
class PlannedProjectUpdated(EventPayload):
    event_type: ClassVar[str] = "planned-project-updated"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A planned project (策划包装项目) was created or changed."

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    total_investment_10k: Decimal
    depth: PlanningDepth
    in_prephase_plan_and_filed: bool
    proposed_for_next_year: bool


class UnitTargets(BaseModel):
    """One unit's row of Annex 2 (附件2 县区、部门项目任务分解表): its tasks for the year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit_id: uuid.UUID
    key_projects: int
    key_projects_new_start: int
    planned_investment_10k: Decimal
    prephase_projects: int
    planned_projects: int


@contract
class AnnualTargetsSet(EventPayload):
    event_type: ClassVar[str] = "annual-targets-set"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "The year's targets per unit (年度目标任务, Annex 2) were set; every unit's row, replacing the year's."
    )

    year: int
    targets: tuple[UnitTargets, ...]


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


@contract
class ObstacleEscalated(EventPayload):
    event_type: ClassVar[str] = "obstacle-escalated"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "An obstacle of the push ledger (攻坚台帐) goes to the joint meeting as a topic."

    obstacle_id: uuid.UUID
    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    category: ObstacleCategory
    description: str
    proposed_solution: str | None
    responsible_unit_id: uuid.UUID | None


@contract
class ProjectBehindSchedule(EventPayload):
    event_type: ClassVar[str] = "project-behind-schedule"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = "A key project turned red against the time-schedule benchmark (预警)."

    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    year: int
    month: int
    completion_share_percent: Decimal
    benchmark_percent: Decimal
    colour: Literal["red", "yellow", "green"]
    reason: str
    leader_ids: tuple[uuid.UUID, ...] = ()


RecognitionKind = Literal["start", "completion"]


@contract
class RecognitionApplied(EventPayload):
    event_type: ClassVar[str] = "recognition-applied"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "A unit applied for start or completion recognition (申请开工/竣工认定); the office decides it."
    )

    recognition_id: uuid.UUID
    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    year: int
    kind: RecognitionKind
    claimed_on: date
    applied_at: datetime


@contract
class RecognitionDecided(EventPayload):
    event_type: ClassVar[str] = "recognition-decided"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "The office recognised or rejected an application (认定 / 不予认定); the applying unit is told."
    )

    recognition_id: uuid.UUID
    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    year: int
    kind: RecognitionKind
    claimed_on: date
    decision: Literal["recognised", "rejected"]
    reason: str | None = None
    decided_at: datetime


class DigestProject(BaseModel):
    """One project in a leader's monthly digest: its status and the month's report (figures in 万元, None
    when the unit reported nothing for the month) and its early-warning colour."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project_id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    status: str
    planned_investment_10k: Decimal
    month_completed_10k: Decimal | None
    cumulative_10k: Decimal | None
    report_status: str | None
    warning_colour: Literal["red", "yellow", "green"] | None


@contract
class LeaderMonthlyDigest(EventPayload):
    event_type: ClassVar[str] = "leader-monthly-digest"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "Once a month per leader (包抓领导): their projects' status and the past month's figures."
    )

    leader_id: uuid.UUID
    leader_name: str
    year: int
    month: int
    projects: tuple[DigestProject, ...]


@contract
class ProvincialFiguresApplied(EventPayload):
    event_type: ClassVar[str] = "provincial-figures-applied"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "The office applied the provincial platform's figures of a project and month (省平台数据), the province's"
        " side of reconciliation (对账); the unit's own report is unchanged. Amounts in 万元, exact to 0.01 元."
    )

    batch_id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    month: int
    completed_10k: Decimal
    cumulative_10k: Decimal
    outcome: Literal["agrees", "differs", "no-report"]
    completed_difference_10k: Decimal | None = None
    cumulative_difference_10k: Decimal | None = None
    beyond_tolerance: bool = False
    obstacle_id: uuid.UUID | None = None
