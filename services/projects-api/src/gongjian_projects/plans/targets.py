"""Annual targets per unit in the Annex 2 layout (县区、部门项目任务分解表): export and all-or-nothing import."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from gongjian_projects.models import AnnualTarget, Unit
from gongjian_projects.plans.repository import PlanRepository
from gongjian_projects.plans.target_events import publish_targets
from gongjian_projects.seed import annex_order
from gongjian_projects.xlsx import CellErrors, open_sheet
from gongjian_shared.office_text import put
from gongjian_shared.uow import UnitOfWork

TITLE = "县区、部门项目任务分解表"
SHEET = "任务分解表"
TOTAL = "合计"
# (attribute, sub-header, kind): the eleven columns of Annex 2
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("unit_name", "单位名称", "text"),
    ("key_projects", "重点建设项目个数（个）", "int"),
    ("key_projects_new_start", "其中：新开工项目个数（个）", "int"),
    ("planned_investment_10k", "年度计划投资（万元）", "money"),
    ("prephase_projects", "重点前期项目个数（个）", "int"),
    ("planned_projects", "个数", "int"),
    ("planned_projects_over_2bn", "其中：投资过20亿元项目个数", "int"),
    ("planned_projects_over_10bn", "其中：投资过百亿元项目个数", "int"),
    ("planning_direction", "策划方向", "text"),
    ("attraction_domestic_capital_100m", "到位资金（亿元）", "optional"),
    ("attraction_other_target", "（原表无表头）", "optional"),
)
GROUPS = (
    (2, 5, "重点项目（安发改项目（2019）171号）"),
    (6, 9, "策划包装项目"),
    (10, 11, "招商引项目（安招发（2019）13号）"),
)
NUMBERS = [name for name, _, kind in COLUMNS if kind != "text"]


class TargetOut(BaseModel):
    """A unit's targets for the year (年度目标任务), as in Annex 2."""

    unit_id: uuid.UUID
    unit_name: str
    key_projects: int
    key_projects_new_start: int
    planned_investment_10k: Decimal
    prephase_projects: int
    planned_projects: int
    planned_projects_over_2bn: int
    planned_projects_over_10bn: int
    planning_direction: str | None
    attraction_domestic_capital_100m: Decimal | None
    attraction_other_target: Decimal | None


def _ordered(targets: Sequence[tuple[AnnualTarget, Unit]]) -> list[TargetOut]:
    order = annex_order()
    rows = sorted(targets, key=lambda pair: (order.get(pair[1].name, len(order)), pair[1].name))
    return [
        TargetOut(
            unit_id=unit.id, unit_name=unit.name, **{name: getattr(t, name) for name, _, _ in COLUMNS[1:]}
        )
        for t, unit in rows
    ]


async def targets_of(uow: UnitOfWork, year: int) -> list[TargetOut]:
    return _ordered(await PlanRepository(uow.session).targets(year))


def export(targets: Sequence[TargetOut]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    side = Side(style="thin")
    box = Border(left=side, right=side, top=side, bottom=side)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    title = put(sheet, 1, 1, TITLE)
    title.font, title.alignment = Font(size=16, bold=True), Alignment(horizontal="center")
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    put(sheet, 2, 1, COLUMNS[0][1])
    for first, last, text in GROUPS:
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
        put(sheet, 2, first, text)
    for column, (_, header, _) in enumerate(COLUMNS[1:], start=2):
        put(sheet, 3, column, header)
    totals: list[Any] = [TOTAL]
    for name in NUMBERS:
        values = [getattr(t, name) for t in targets if getattr(t, name) is not None]
        totals.append(sum(values) if values else None)
    totals.insert(8, None)  # no total for the planning direction
    body = [totals] + [[t.unit_name, *(getattr(t, name) for name, _, _ in COLUMNS[1:])] for t in targets]
    for row_index, values in enumerate(body, start=4):
        for column, value in enumerate(values, start=1):
            shown = (
                float(value) if isinstance(value, Decimal) else (value if value != 0 or column == 4 else None)
            )
            put(sheet, row_index, column, shown)
    for row in sheet.iter_rows(min_row=2, max_row=3 + len(body), max_col=len(COLUMNS)):
        for cell in row:
            cell.border = box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column, width in enumerate((18, 10, 10, 14, 10, 8, 12, 12, 28, 10, 10), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _key(name: str) -> str:
    # the annex wraps long names inside cells ("瀛湖生态旅游 区"): spaces are not part of a name
    return "".join(name.split())


def _header_row(errors: CellErrors, rows: Sequence[tuple[Any, ...]]) -> int:
    """The index of the row starting with 单位名称; 422 naming the layout when there is none."""
    header = next((i for i, row in enumerate(rows) if row and _key(str(row[0] or "")) == "单位名称"), None)
    if header is None:
        errors.add(
            1,
            1,
            "layout",
            "No header row starting with 单位名称 (Annex 2 layout)",
            "未找到“单位名称”表头（附件2格式）",
        )
        errors.raise_if_any()
        raise AssertionError("unreachable")
    return header


def _row_values(errors: CellErrors, index: int, cells: Sequence[Any]) -> dict[str, Any]:
    """The row's figures by attribute, each bad cell named."""
    values: dict[str, Any] = {}
    for column, (attribute, label, kind) in enumerate(COLUMNS[1:], start=2):
        raw = cells[column - 1]
        if kind == "int":
            values[attribute] = errors.integer(raw, index, column, label)
        elif kind == "money":
            values[attribute] = errors.decimal(raw, index, column, label)
        elif kind == "optional":
            values[attribute] = errors.decimal(raw, index, column, label, blank=None)
        else:
            values[attribute] = errors.text(raw)
    return values


def _check_new_starts(errors: CellErrors, index: int, values: dict[str, Any]) -> None:
    if (values["key_projects_new_start"] or 0) > (values["key_projects"] or 0):
        errors.add(
            index,
            3,
            "within-key-projects",
            "More new starts than key projects",
            "新开工个数大于重点项目个数",
            COLUMNS[2][1],
        )


def _check_total(
    errors: CellErrors, row_index: int, stated: dict[str, Any], parsed: dict[uuid.UUID, dict[str, Any]]
) -> None:
    """The 合计 row, where the file has one, is the sum of the units' rows."""
    for column, (attribute, label, kind) in enumerate(COLUMNS[1:], start=2):
        if kind == "text" or stated[attribute] is None:
            continue
        computed = sum((v[attribute] or 0 for v in parsed.values()), Decimal(0))
        if Decimal(stated[attribute]) != computed:
            errors.add(
                row_index,
                column,
                "total-matches",
                f"The total {stated[attribute]} is not the sum {computed}",
                f"合计 {stated[attribute]} 与各单位之和 {computed} 不符",
                label,
            )


def _parse(errors: CellErrors, content: bytes, units: dict[str, Unit]) -> dict[uuid.UUID, dict[str, Any]]:
    """Each unit's row of the file by unit id; every bad cell is added to `errors`."""
    rows = list(open_sheet(content).iter_rows(max_col=len(COLUMNS), values_only=True))
    header = _header_row(errors, rows)
    parsed: dict[uuid.UUID, dict[str, Any]] = {}
    total: tuple[int, dict[str, Any]] | None = None
    for index, row in enumerate(rows[header + 2 :], start=header + 3):
        cells = list(row) + [None] * (len(COLUMNS) - len(row))
        name = errors.text(cells[0])
        if name is None and all(value is None for value in cells):
            continue
        values = _row_values(errors, index, cells)
        if name is None:
            errors.add(index, 1, "required", "The unit name is missing", "缺少单位名称", COLUMNS[0][1])
        elif _key(name) == TOTAL:
            total = (index, values)
        elif _key(name) not in units:
            errors.add(
                index, 1, "unknown-unit", f"No unit named {name}", f"没有名为“{name}”的单位", COLUMNS[0][1]
            )
        elif units[_key(name)].id in parsed:
            errors.add(
                index, 1, "duplicate-unit", f"{name} appears twice", f"“{name}”重复出现", COLUMNS[0][1]
            )
        else:
            _check_new_starts(errors, index, values)
            parsed[units[_key(name)].id] = values
    if total is not None:
        _check_total(errors, *total, parsed)
    return parsed


async def import_targets(uow: UnitOfWork, year: int, content: bytes) -> list[TargetOut]:
    """Replace the year's targets with the file's, or change nothing and name every bad cell; the new targets
    go out as `annual-targets-set` in the same transaction."""
    errors = CellErrors(SHEET)
    plans = PlanRepository(uow.session)
    parsed = _parse(errors, content, {_key(unit.name): unit for unit in await plans.units()})
    errors.raise_if_any()
    await plans.replace_targets(
        year,
        [
            AnnualTarget(id=uuid.uuid4(), year=year, unit_id=unit_id, **values)
            for unit_id, values in parsed.items()
        ],
    )
    await publish_targets(uow.session, uow.outbox, year)
    return await targets_of(uow, year)
