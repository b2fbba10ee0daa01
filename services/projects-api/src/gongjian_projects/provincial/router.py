"""The office's exchange by file with the provincial platform (省平台数据交换): stage the province's monthly
export, reconcile, apply the accepted rows; the month's reconciliation report; the export in the province's
template. Office and admins only (a unit answers 403)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Path, Query, Response, UploadFile, status
from pydantic import BaseModel

from gongjian_projects.deps import CurrentScope, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.provincial import excel, report, service, templates
from gongjian_projects.provincial.errors import ProvincialFileTooLarge, TemplateNotFound
from gongjian_projects.provincial.schemas import ApplyRequest, ApplyResult, BatchOut, ReconciliationReport
from gongjian_projects.settings import ProvincialSettings, projects_settings
from gongjian_projects.xlsx import XLSX_MEDIA_TYPE
from gongjian_shared.deps import ContextDep
from gongjian_shared.errors import field_error, problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.service import ServiceContext
from gongjian_shared.types import Year

router = ServiceRouter(prefix="/api/v1/provincial", tags=["provincial"], route_class=IdempotentRoute)

Month = Annotated[int, Path(ge=1, le=12, description="The month, 1..12.")]
YearPath = Annotated[Year, Path(description="The plan year.")]
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The xlsx file."}
}
READ_PROBLEMS = problem_responses(401, 403, 404, 422)


class TemplateColumnOut(BaseModel):
    field: str
    headers: list[str]
    required: bool
    money: bool


class TemplateOut(BaseModel):
    """A provincial template version (省平台模板), kept as a data file."""

    key: str
    name: str
    version: str
    title_zh: str
    money_unit: str
    columns: list[TemplateColumnOut]


def _settings(context: ServiceContext) -> ProvincialSettings:
    return projects_settings(context.settings).provincial


def _xlsx(content: bytes, name: str) -> Response:
    return Response(
        content=content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.get("/templates", response_model=list[TemplateOut], responses=problem_responses(401, 403))
async def list_templates(_: OfficeOnly) -> list[TemplateOut]:
    """The provincial templates known (模板): a file's template is detected from its header row."""
    return [
        TemplateOut(
            key=t.key,
            name=t.name,
            version=t.version,
            title_zh=t.title_zh,
            money_unit=t.money_unit,
            columns=[
                TemplateColumnOut(field=c.field, headers=list(c.headers), required=c.required, money=c.money)
                for c in t.columns
            ],
        )
        for t in templates.templates()
    ]


@router.post(
    "/batches",
    response_model=BatchOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 413, 422)
    | {200: {"model": BatchOut, "description": "The same file, already staged."}},
    dependencies=[IDEMPOTENT],
)
async def upload_batch(
    file: UploadFile,
    response: Response,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
    _: OfficeOnly,
    year: Annotated[Year, Query(description="The plan year the figures belong to.")],
    month: Annotated[int, Query(ge=1, le=12, description="The month the figures belong to.")],
) -> BatchOut:
    """Stage the provincial platform's monthly export (导入省平台月度数据), xlsx or CSV (UTF-8 or GB18030),
    multipart `file`: each row parsed with its problems (row, column, reason), matched to the year's plan
    entries by project code (current or pre-2020 shape), and reconciled with the units' reports. Nothing in the
    registry changes until applied. The same file again answers 200 with the batch already staged. A file
    whose header row matches no template, or that cannot be read, is refused (422); one over the size limit
    413."""
    limit = _settings(context).max_file_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise ProvincialFileTooLarge(
            f"The file is larger than {limit} bytes.",
            errors=[field_error("file", "size", f"At most {limit} bytes", f"文件不能超过 {limit} 字节")],
        )
    batch = await service.upload(
        uow, scope, year, month, file.filename or "", content, _settings(context).tolerance_10k
    )
    if batch.duplicate:
        response.status_code = status.HTTP_200_OK
    return batch


@router.get("/batches/{batch_id}", response_model=BatchOut, responses=READ_PROBLEMS)
async def get_batch(batch_id: uuid.UUID, uow: UnitOfWorkDep, context: ContextDep, _: OfficeOnly) -> BatchOut:
    """A staged batch with every row, its problems, its match and its reconciliation; the unmatched and
    ambiguous rows listed."""
    return await service.get_batch(uow, batch_id, _settings(context).tolerance_10k)


@router.post(
    "/batches/{batch_id}/apply",
    response_model=ApplyResult,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def apply_batch(
    batch_id: uuid.UUID,
    body: ApplyRequest,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
    _: OfficeOnly,
) -> ApplyResult:
    """Apply the rows the office accepts (应用省平台数据): the province's figures of each project and month are
    recorded as the province's side of reconciliation, with a `provincial-figures-applied` event each, in one
    transaction; the units' own reports are never changed. A difference beyond the tolerance opens a ledger
    item for the project's unit (once). Figures already recorded unchanged change nothing (the same file twice
    changes nothing). A row that is unknown, unmatched, ambiguous or has problems is refused (409) and nothing
    is applied."""
    return await service.apply(uow, scope, batch_id, body.rows, _settings(context).tolerance_10k)


@router.get(
    "/reconciliation/{year}/{month}",
    response_model=ReconciliationReport,
    responses=READ_PROBLEMS | XLSX,
)
async def reconciliation(
    year: YearPath,
    month: Month,
    uow: UnitOfWorkDep,
    context: ContextDep,
    _: OfficeOnly,
    unit_id: Annotated[uuid.UUID | None, Query(description="One unit's projects only.")] = None,
    format: Literal["json", "xlsx"] = "json",
) -> ReconciliationReport | Response:
    """The month's reconciliation per unit (月度对账): our figure, the province's, the difference (the
    province's minus ours), whether it is beyond the tolerance, and the unit responsible with the side it
    corrects. `format=xlsx` exports the same."""
    result = await report.reconciliation_report(uow, year, month, unit_id, _settings(context).tolerance_10k)
    if format == "xlsx":
        return _xlsx(excel.reconciliation_workbook(result), f"{year}年{month}月省平台对账表.xlsx")
    return result


@router.get("/export/{year}/{month}", response_class=Response, responses=READ_PROBLEMS | XLSX)
async def export_month(
    year: YearPath,
    month: Month,
    uow: UnitOfWorkDep,
    _: OfficeOnly,
    template: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z0-9-]{1,60}(@[0-9A-Za-z.-]{1,20})?$",
            description="name@version; the newest when absent.",
        ),
    ] = None,
) -> Response:
    """The month's figures of every project on the plan in the province's template (导出省平台模板), for the
    office to upload to the provincial platform; a project not reported yet has its figures blank."""
    chosen = templates.template_named(template or "shaanxi-monthly")
    if chosen is None:
        raise TemplateNotFound(errors=[field_error("template", "exists", "No such template", "没有该模板")])
    rows = await report.export_rows(uow, year, month)
    return _xlsx(excel.export_workbook(chosen, rows), f"{year}年{month}月省平台月度调度表.xlsx")
