"""The projects-api schema: units and people, accounts, projects, progress, ledgers and plans.

One module per area; importing this package registers every table on `Base.metadata`.
"""

from __future__ import annotations

from gongjian_projects.models.base import BUS, SCHEMA, Base, Money
from gongjian_projects.models.evidence import EVIDENCE_OWNERS, Evidence
from gongjian_projects.models.exchange import PUSH_STATUSES, PushDelivery
from gongjian_projects.models.idempotency import IdempotencyKey
from gongjian_projects.models.leaders import LeaderDigest
from gongjian_projects.models.ledger import (
    OBSTACLE_CATEGORIES,
    Obstacle,
    ObstacleAction,
    Plan,
    ProjectWarning,
    WarningThresholds,
)
from gongjian_projects.models.progress import (
    Amendment,
    Deadline,
    FrozenFigure,
    ProgressReport,
    ReportingMonth,
    ReportStep,
)
from gongjian_projects.models.projects import (
    PROCEDURES,
    Leader,
    PrephaseProcedure,
    Project,
    ProjectIdentity,
    ProjectLeader,
    ProjectMonthPlan,
    ProjectStatusChange,
    Recognition,
)
from gongjian_projects.models.provincial import ProvincialBatch, ProvincialFigure, ProvincialRow
from gongjian_projects.models.registry import (
    AccountAudit,
    AnnualTarget,
    RefreshToken,
    SignInThrottle,
    Unit,
    UnitContact,
    User,
)
from gongjian_projects.models.starts import ConcentratedStart, ConcentratedStartProject
from gongjian_projects.models.statistics import PublishedBulletin, StatisticsSnapshot

__all__ = [
    "BUS",
    "EVIDENCE_OWNERS",
    "OBSTACLE_CATEGORIES",
    "PROCEDURES",
    "PUSH_STATUSES",
    "SCHEMA",
    "AccountAudit",
    "Amendment",
    "AnnualTarget",
    "Base",
    "ConcentratedStart",
    "ConcentratedStartProject",
    "Deadline",
    "Evidence",
    "FrozenFigure",
    "IdempotencyKey",
    "Leader",
    "LeaderDigest",
    "Money",
    "Obstacle",
    "ObstacleAction",
    "Plan",
    "PrephaseProcedure",
    "ProgressReport",
    "Project",
    "ProjectIdentity",
    "ProjectLeader",
    "ProjectMonthPlan",
    "ProjectStatusChange",
    "ProjectWarning",
    "ProvincialBatch",
    "ProvincialFigure",
    "ProvincialRow",
    "PublishedBulletin",
    "PushDelivery",
    "Recognition",
    "RefreshToken",
    "ReportStep",
    "ReportingMonth",
    "SignInThrottle",
    "StatisticsSnapshot",
    "Unit",
    "UnitContact",
    "User",
    "WarningThresholds",
]
