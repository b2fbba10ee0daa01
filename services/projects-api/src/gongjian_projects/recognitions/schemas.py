from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.pagination import Page
from gongjian_shared.types import Line, Multiline, Name, RequestModel

RecognitionKind = Literal["start", "completion"]
RecognitionStatus = Literal["applied", "recognised", "rejected"]
# the office's queue names an application still waiting for its decision `pending` (stored as `applied`)
QueueStatus = Literal["pending", "recognised", "rejected"]


class RecognitionAttachment(RequestModel):
    """Evidence metadata (佐证材料); the file itself lives in object storage under `storage_key`."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Name, Field(max_length=255)]
    content_type: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.+-]+/[A-Za-z0-9_.+-]+$")
    size_bytes: int = Field(ge=1, le=200 * 1024 * 1024)
    checksum: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex.")
    storage_key: Annotated[Line, Field(min_length=1, max_length=500)]


class RecognitionApply(RequestModel):
    """Apply for start or completion recognition (开工/竣工认定申请)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "start",
                    "date": "2019-05-18",
                    "description": "主体工程桩基开始施工，连续作业",
                    "evidence": [
                        {
                            "name": "开工照片.jpg",
                            "content_type": "image/jpeg",
                            "size_bytes": 204800,
                            "checksum": "0" * 64,
                            "storage_key": "evidence/2019/05/abc.jpg",
                        }
                    ],
                }
            ]
        },
    )

    kind: RecognitionKind
    date: dt.date
    description: Annotated[Multiline, Field(min_length=1, max_length=4000)]
    evidence: list[RecognitionAttachment] = Field(min_length=1, max_length=20)


class RejectRequest(RequestModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Multiline, Field(min_length=1, max_length=1000)]


class RecogniseRequest(RequestModel):
    """The office's decision to recognise (认定). A completion whose year's planned investment is not
    completed needs `office_judgement`: the office's written judgement on the evidence (办公室研判意见)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"office_judgement": "经现场核查，主体工程已验收，具备运营条件"}]},
    )

    office_judgement: Annotated[Multiline, Field(min_length=1, max_length=2000)] | None = None


class RecognitionOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    kind: RecognitionKind
    date: dt.date = Field(validation_alias="claimed_on")
    description: str
    evidence: list[RecognitionAttachment]
    status: RecognitionStatus
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str | None


class QueuedRecognition(RecognitionOut):
    """An application in the office's queue, with the project it is for (认定待办)."""

    project_name: str
    unit_id: uuid.UUID
    year: int


class RecognitionQueuePage(Page[QueuedRecognition]):
    pass
