"""The provincial exchange's request and response bodies; amounts in 万元 as decimal strings exact to 0.01 元
(six decimals), differences being the province's figure minus ours."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from gongjian_projects.provincial.reconciliation import CorrectOn, Outcome
from gongjian_shared.types import RequestModel

ExactMoneyOut = Annotated[
    Decimal,
    PlainSerializer(lambda amount: str(Decimal(amount).quantize(Decimal("0.000001"))), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{6}$"}, mode="serialization"),
]
Match = Literal["matched", "unmatched", "ambiguous", "invalid"]


class RowProblem(BaseModel):
    """A bad cell of a staged row (行号、列、原因), in English and Chinese."""

    row: int
    column: str = Field(description="The column letter, as in the spreadsheet.")
    header: str
    field: str
    rule: str
    message: str
    message_zh: str


class ReconciliationOut(BaseModel):
    """Our figure against the province's for one project and month (对账): who provides a figure is responsible
    for it; `correct_on` says which side the responsible unit corrects."""

    outcome: Outcome
    our_completed_10k: ExactMoneyOut | None
    our_cumulative_10k: ExactMoneyOut | None
    our_report_status: str | None
    province_completed_10k: ExactMoneyOut | None
    province_cumulative_10k: ExactMoneyOut | None
    completed_difference_10k: ExactMoneyOut | None
    cumulative_difference_10k: ExactMoneyOut | None
    beyond_tolerance: bool
    responsible_unit_id: uuid.UUID | None
    responsible_unit_name: str | None
    correct_on: CorrectOn | None


class StagedRow(BaseModel):
    """A row of the province's file as parsed, matched and reconciled; nothing of it is applied yet unless
    `applied_at` is set."""

    row_number: int
    code: str | None
    name: str | None
    location: str | None
    total_investment_10k: ExactMoneyOut | None
    planned_investment_10k: ExactMoneyOut | None
    completed_10k: ExactMoneyOut | None
    cumulative_10k: ExactMoneyOut | None
    started_on: date | None
    physical_progress: str | None
    problems: list[RowProblem]
    match: Match = Field(
        description="matched: one plan entry of the year carries the code (as its code or its"
        " pre-2020 code); unmatched: none; ambiguous: the code is on several rows; invalid: no"
        " usable code."
    )
    project_id: uuid.UUID | None
    project_name: str | None
    applicable: bool
    applied_at: datetime | None
    reconciliation: ReconciliationOut | None


class RowRef(BaseModel):
    row_number: int
    code: str | None
    name: str | None


class BatchCounts(BaseModel):
    rows: int
    matched: int
    unmatched: int
    ambiguous: int
    invalid: int
    with_problems: int
    applicable: int
    applied: int


class BatchOut(BaseModel):
    """A staged import of the province's monthly export (省平台导入批次)."""

    id: uuid.UUID
    filename: str
    sha256: str
    template: str
    year: int
    month: int
    uploaded_at: datetime
    applied_at: datetime | None
    duplicate: bool = Field(
        description="This upload's content was already staged: the earlier batch, unchanged."
    )
    counts: BatchCounts
    unmatched: list[RowRef]
    ambiguous: list[RowRef]
    rows: list[StagedRow]


class ApplyRequest(RequestModel):
    """The rows the office accepts (按行号); absent: every applicable row."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rows": [2, 3, 5]}, {}]})

    rows: list[Annotated[int, Field(ge=1, le=1_000_000)]] | None = Field(default=None, max_length=20_000)


class ApplyResult(BaseModel):
    """What applying changed: the province's figures recorded (`changed`), those already recorded with the same
    figures (`unchanged`), and the ledger items opened for differences beyond the tolerance."""

    batch_id: uuid.UUID
    changed: int
    unchanged: int
    ledger_items_opened: int


class ReconciliationLine(ReconciliationOut):
    project_id: uuid.UUID
    project_name: str
    code: str | None
    unit_id: uuid.UUID
    unit_name: str


class UnitReconciliation(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    projects: int
    agrees: int
    differs: int
    beyond_tolerance: int
    no_report: int
    no_provincial_figure: int
    our_completed_10k: ExactMoneyOut
    province_completed_10k: ExactMoneyOut


class ReconciliationReport(BaseModel):
    """The month's reconciliation (月度对账): every plan project and every project with a provincial figure."""

    year: int
    month: int
    tolerance_10k: ExactMoneyOut
    units: list[UnitReconciliation]
    lines: list[ReconciliationLine]
