from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EvidenceOut(BaseModel):
    """An evidence file's record (证明材料); its bytes come from the download route, never a public URL."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner_kind: Literal["recognition", "progress-report", "obstacle", "topic", "feedback"]
    owner_id: uuid.UUID
    file_name: str = Field(
        description="The name it was uploaded with (folders and control characters removed)"
    )
    media_type: str = Field(description="Judged from the content at upload, not from the name")
    size: int = Field(ge=1, description="Bytes")
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    uploaded_by: uuid.UUID
    uploaded_at: datetime
