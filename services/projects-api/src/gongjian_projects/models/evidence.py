from __future__ import annotations

from gongjian_projects.models.base import Base
from gongjian_shared.evidence.model import EvidenceColumns

EVIDENCE_OWNERS = ("recognition", "progress-report", "obstacle")


class Evidence(EvidenceColumns, Base):
    """An evidence file (证明材料) attached to a recognition, a progress report or a ledger obstacle."""

    __tablename__ = "evidence"
