"""Excel import of projects (项目批量导入): every row checked first, each bad cell named; then all rows
are registered in one transaction, or none."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from gongjian_projects.access import Scope
from gongjian_projects.models import Project, Unit
from gongjian_projects.projects.code_checks import county_of
from gongjian_projects.projects.codes import parse_code, segment_refusal
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.schemas import Location, ProjectCreate
from gongjian_projects.projects.service import register_project
from gongjian_projects.units.repository import UnitRepository
from gongjian_projects.xlsx import CellErrors, open_sheet
from gongjian_shared.access import Facts
from gongjian_shared.errors import Forbidden, field_error
from gongjian_shared.office_text import put
from gongjian_shared.uow import UnitOfWork

SHEET = "项目导入"
HEADERS = (
    "项目名称*",
    "项目类型*（重点/前期/策划/招商）",
    "统一项目代码",
    "责任单位*",
    "计划类别（新开工/续建/竣工）",
    "总投资（万元）*",
    "年度计划投资（万元）*",
    "计划开工日期",
    "计划竣工日期",
    "建设内容",
    "行业",
    "责任人",
    "项目地址",
)
KINDS = {"重点": "key", "前期": "prephase", "策划": "planned", "招商": "attraction"}
KINDS |= {value: value for value in KINDS.values()}
CATEGORIES = {"新开工": "new-start", "续建": "continuing", "竣工": "completion"}
CATEGORIES |= {value: value for value in CATEGORIES.values()}


class ImportResult(BaseModel):
    """Every row registered (导入成功)."""

    year: int
    imported: int
    project_ids: list[str]


def template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    for column, header in enumerate(HEADERS, start=1):
        put(sheet, 1, column, header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _code_error(errors: CellErrors, row: int, code: str) -> None:
    errors.add(
        row,
        3,
        "code-shape",
        "Not a unified project code: YYYY-AAAAAA-BB-CC-NNNNNN (before 2020) or YYMM-AAAAAA-BB-CC-NNNNNN",
        "统一项目代码格式错误",
        HEADERS[2],
    )


MAX_ROWS = 20_000


@dataclass
class _Known:
    """What each row is checked against: the units by name, the registry's codes, the codes of earlier rows."""

    scope: Scope
    units: dict[str, Unit]
    projects: ProjectRepository
    codes: dict[str, int] = field(default_factory=dict)  # code -> the first row carrying it
    units_by_id: dict[uuid.UUID, Unit] = field(default_factory=dict)


def _squeezed(name: str | None) -> str:
    return "".join((name or "").split())


def _check_name_and_kind(errors: CellErrors, row: int, name: str | None, kind: str | None) -> None:
    if name is None:
        errors.add(row, 1, "required", "The name is missing", "缺少项目名称", HEADERS[0])
    if kind not in KINDS:
        errors.add(
            row, 2, "kind", "Use 重点, 前期, 策划 or 招商", "项目类型须为 重点/前期/策划/招商", HEADERS[1]
        )


async def _check_code(errors: CellErrors, known: _Known, row: int, code: str | None) -> None:
    """A unified code of the right shape, on no earlier row and not registered yet."""
    if code is None:
        return
    if parse_code(code) is None:
        _code_error(errors, row, code)
    elif code in known.codes:
        first = known.codes[code]
        errors.add(row, 3, "unique", f"Also on row {first}", f"与第 {first} 行重复", HEADERS[2])
    elif await known.projects.holder_of_code(code) is not None:
        errors.add(row, 3, "unique", "Code already registered", "统一项目代码已登记", HEADERS[2])
    known.codes.setdefault(code, row)


def _check_code_segments(
    errors: CellErrors, known: _Known, year: int, row: int, code: str | None, unit: Unit | None
) -> None:
    """A well-shaped code's region lies under the row's unit and its year is not after the plan year."""
    parsed = parse_code(code) if code else None
    if parsed is None or unit is None:
        return
    refusal = segment_refusal(parsed, plan_year=year, unit_region=county_of(unit, known.units_by_id))
    if refusal is not None:
        errors.add(row, 3, f"{refusal.segment}-segment", refusal.message, refusal.message_zh, HEADERS[2])


def _checked_unit(errors: CellErrors, known: _Known, row: int, unit_name: str | None) -> Unit | None:
    """The unit named on the row, if it exists and the caller may register its projects."""
    unit = known.units.get(_squeezed(unit_name))
    if unit is None:
        errors.add(
            row, 4, "unknown-unit", f"No unit named {unit_name}", f"没有名为“{unit_name}”的单位", HEADERS[3]
        )
    elif not known.scope.may_write(Facts(unit_id=unit.id)):
        errors.add(row, 4, "own-unit", "Not your unit", "只能导入本单位的项目", HEADERS[3])
    return unit


def _check_category(errors: CellErrors, row: int, category: str | None) -> None:
    if category is not None and category not in CATEGORIES:
        errors.add(
            row, 5, "category", "Use 新开工, 续建 or 竣工", "计划类别须为 新开工/续建/竣工", HEADERS[4]
        )


def _amounts(errors: CellErrors, row: int, cells: tuple[Any, ...]) -> tuple[Decimal | None, Decimal | None]:
    """(total, annual planned) investment, both required."""
    total = errors.decimal(cells[5], row, 6, HEADERS[5], blank=None)
    planned = errors.decimal(cells[6], row, 7, HEADERS[6], blank=None)
    for column, amount in ((6, total), (7, planned)):
        if amount is None and cells[column - 1] is None:
            errors.add(row, column, "required", "The amount is missing", "缺少金额", HEADERS[column - 1])
    return total, planned


def _dates(errors: CellErrors, row: int, cells: tuple[Any, ...]) -> tuple[date | None, date | None]:
    """(planned start, planned completion); the completion not before the start."""
    start = errors.day(cells[7], row, 8, HEADERS[7])
    finish = errors.day(cells[8], row, 9, HEADERS[8])
    if start and finish and finish < start:
        errors.add(row, 9, "after-start", "Completion before start", "计划竣工早于计划开工", HEADERS[8])
    return start, finish


async def _row_command(
    errors: CellErrors, known: _Known, year: int, row: int, cells: tuple[Any, ...]
) -> ProjectCreate | None:
    """The registration a row asks for; None when the row has errors (each added to `errors`)."""
    text = [errors.text(value) for value in cells]
    name, kind, code, unit_name, category = text[0], text[1], text[2], text[3], text[4]
    before = len(errors.errors)
    _check_name_and_kind(errors, row, name, kind)
    await _check_code(errors, known, row, code)
    unit = _checked_unit(errors, known, row, unit_name)
    _check_code_segments(errors, known, year, row, code, unit)
    _check_category(errors, row, category)
    total, planned = _amounts(errors, row, cells)
    start, finish = _dates(errors, row, cells)
    if len(errors.errors) > before or unit is None or total is None or planned is None:
        return None
    try:
        return ProjectCreate(
            year=year,
            kind=KINDS[kind or ""],
            name=name or "",
            code=code,
            unit_id=unit.id,
            plan_category=CATEGORIES[category] if category else None,
            total_investment_10k=total,
            planned_investment_10k=planned,
            planned_start=start,
            planned_completion=finish,
            construction_content=text[9],
            industry=text[10],
            responsible_person=text[11],
            location=Location(address=text[12]) if text[12] else None,
        )
    except ValidationError as exc:
        for problem in exc.errors():
            field_name = str(problem["loc"][0]) if problem["loc"] else "row"
            errors.add(
                row, 1, str(problem["type"]), f"{field_name}: {problem['msg']}", f"{field_name}：取值无效"
            )
        return None


async def _parse(uow: UnitOfWork, scope: Scope, year: int, content: bytes) -> list[ProjectCreate]:
    """Every row checked, each bad cell named; the registrations, or 422 naming every bad cell."""
    sheet = open_sheet(content)
    errors = CellErrors(SHEET)
    units = await UnitRepository(uow.session).all()
    known = _Known(scope, {_squeezed(unit.name): unit for unit in units}, ProjectRepository(uow.session))
    known.units_by_id = {unit.id: unit for unit in units}
    commands: list[ProjectCreate] = []
    for row, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(HEADERS), values_only=True), start=2):
        cells = tuple(cells) + (None,) * (len(HEADERS) - len(cells))
        if all(value is None or str(value).strip() == "" for value in cells):
            continue
        command = await _row_command(errors, known, year, row, cells)
        if command is not None:
            commands.append(command)
        if len(commands) > MAX_ROWS:
            errors.add(row, 1, "too-many-rows", "At most 20,000 rows", "最多 20000 行")
            break
    if not commands and not errors.errors:
        errors.add(2, 1, "empty", "The file has no project rows", "文件中没有项目")
    errors.raise_if_any()
    return commands


async def import_projects(uow: UnitOfWork, scope: Scope, year: int, content: bytes) -> list[Project]:
    # who may import at all is decided before the file is read: one who may not gets 403, not a file report
    if not (scope.everything or scope.write_unit_ids):
        raise Forbidden(
            "Only the office and a unit's reporters import projects.",
            errors=[field_error("file", "may-not-import", "You may not register projects", "无权导入项目")],
        )
    commands = await _parse(uow, scope, year, content)
    registered = []
    for command in commands:
        registered.append(await register_project(uow, scope, command))
    return registered


def result(year: int, projects: list[Project]) -> ImportResult:
    return ImportResult(year=year, imported=len(projects), project_ids=[str(p.id) for p in projects])
