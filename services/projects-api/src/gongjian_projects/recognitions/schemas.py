from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.pagination import Page
from gongjian_shared.types import Multiline, RequestModel

RecognitionKind = Literal["start", "completion"]
RecognitionStatus = Literal["applied", "recognised", "rejected"]
# the office's queue names an application still waiting for its decision `pending` (stored as `applied`)
QueueStatus = Literal["pending", "recognised", "rejected"]


class DeclaredAttachment(BaseModel):
    """File metadata an application declared before evidence files existed (佐证材料登记, unverified): kept as it
    was stored, never written any more; the evidence of a recognition is its uploaded files."""

    name: str
    content_type: str
    size_bytes: int
    checksum: str = Field(description="SHA-256, hex, as declared (never checked against a file).")
    storage_key: str


class RecognitionApply(RequestModel):
    """Apply for start or completion recognition (开工/竣工认定申请). The evidence (site photos, permits,
    acceptance reports) is uploaded afterwards as files to `.../recognitions/{id}/evidence`; the metadata list
    `evidence` earlier applications carried is no longer taken (422 names it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"kind": "start", "date": "2019-05-18", "description": "主体工程桩基开始施工，连续作业"}
            ]
        },
    )

    kind: RecognitionKind
    date: dt.date
    description: Annotated[Multiline, Field(min_length=1, max_length=4000)]


class RejectRequest(RequestModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Multiline, Field(min_length=1, max_length=1000)]


class RecogniseRequest(RequestModel):
    """The office's decision to recognise (认定). A completion whose year's planned investment is not
    completed needs `office_judgement`: the office's written judgement on the evidence (办公室研判意见), which
    needs at least one evidence file uploaded to the application."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"office_judgement": "经现场核查，主体工程已验收，具备运营条件"}]},
    )

    office_judgement: Annotated[Multiline, Field(min_length=1, max_length=2000)] | None = None


class RecognitionEvidence(BaseModel):
    """An evidence file of the application (认定证明材料); its bytes come from `download_path`."""

    id: uuid.UUID
    name: str = Field(description="The name it was uploaded with")
    media_type: str = Field(description="Judged from the content at upload")
    size: int = Field(ge=1, description="Bytes")
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    uploaded_at: dt.datetime
    download_path: str = Field(description="The API path that answers the file's bytes, with the same access")


class ReliedOnFile(BaseModel):
    """A file the office's decision relied on, as it was when deciding."""

    id: uuid.UUID
    sha256: str = Field(pattern="^[0-9a-f]{64}$")


class RecognitionFields(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    kind: RecognitionKind
    date: dt.date = Field(validation_alias="claimed_on")
    description: str
    status: RecognitionStatus
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str | None
    decision_evidence: list[ReliedOnFile] | None = Field(
        description="The evidence files attached when the office decided (null: not decided, or decided "
        "before files were recorded): files added later do not change what the decision relied on."
    )
    declared_evidence: list[DeclaredAttachment] = Field(
        deprecated=True,
        description="Unverified file metadata declared by applications made before evidence files existed; "
        "empty for every later application. Read `evidence`.",
    )


class RecognitionOut(RecognitionFields):
    evidence: list[RecognitionEvidence] = Field(description="The uploaded evidence files, oldest first")


class QueuedRecognition(RecognitionFields):
    """An application in the office's queue, with the project it is for (认定待办)."""

    project_name: str
    unit_id: uuid.UUID
    year: int
    evidence_count: int = Field(ge=0, description="How many evidence files are attached")


class RecognitionQueuePage(Page[QueuedRecognition]):
    pass
