from __future__ import annotations

from gongjian_projects.models import Evidence
from gongjian_shared.evidence.repository import EvidenceRows


class EvidenceRepository(EvidenceRows[Evidence]):
    model = Evidence
