"""The score sheets as an Excel workbook in the layout of Annex 3 (附件3): the ranking, then one sheet per unit."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from gongjian_scoring.engine.rules import RuleSet
from gongjian_scoring.engine.sheet import ScoreSheet, UnitScore
from gongjian_shared.office_text import xlsx_row, xlsx_sheet_title

AWARDS_ZH = {"first": "一等奖", "second": "二等奖", "third": "三等奖", "advanced": "先进单位"}
UNIT_LABEL = {"county": "县（区）", "department": "考核对象"}
SHEET_HEADER = ("序号", "考核内容", "标准分值", "评分标准", "得分", "计分说明")
WIDTHS = {"A": 8, "B": 26, "C": 10, "D": 70, "E": 10, "F": 70}
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(
    rule_set: RuleSet,
    sheet: ScoreSheet,
    as_of: Mapping[str, date],
    provisional: Mapping[str, bool],
    published: bool,
) -> bytes:
    workbook = Workbook()
    ranking = workbook.active
    assert ranking is not None
    ranking.title = "排名"
    _ranking(ranking, rule_set, sheet, published)
    used = {ranking.title}
    for unit in sheet.units:
        status = _status(as_of[unit.unit], provisional[unit.unit], published)
        _unit_sheet(workbook.create_sheet(_sheet_name(unit.unit, used)), rule_set, unit, status)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _status(as_of: date, provisional: bool, published: bool) -> str:
    state = "已发布 published" if published else "实时 live"
    note = "，暂定 provisional" if provisional else ""
    return f"截至 as of {as_of.isoformat()}（{state}{note}）"


def _ranking(ws: Worksheet, rule_set: RuleSet, sheet: ScoreSheet, published: bool) -> None:
    _append(ws, [f"{rule_set.title} 排名"])
    _append(ws, [_status(sheet.as_of, sheet.provisional, published)])
    header = ["排名", "单位", "总分", "奖项", "评奖资格", *(item.id for item in rule_set.items)]
    _append(ws, header)
    for unit in sheet.units:
        _append(
            ws,
            [
                unit.rank if unit.assessed else "不参评",
                unit.unit,
                float(unit.total),
                AWARDS_ZH.get(unit.award or "", ""),
                "是" if unit.eligible else "否（取消评奖资格）",
                *(float(item.points) for item in unit.items),
            ],
        )
    _append(ws, [])
    _append(ws, [rule_set.award_source_text])
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 20


def _unit_sheet(ws: Worksheet, rule_set: RuleSet, unit: UnitScore, status: str) -> None:
    _append(ws, [rule_set.title])
    _append(ws, [f"{UNIT_LABEL[rule_set.unit_kind]}：{unit.unit}"])
    _append(ws, [status])
    _append(ws, list(SHEET_HEADER))
    titles = {item.id: item.title for item in rule_set.items}
    for line in unit.items:
        points = float(line.points) if line.applicable else "不适用"
        _append(
            ws, [line.id, titles[line.id], float(line.standard), line.source_text, points, line.explanation]
        )
    award = AWARDS_ZH.get(unit.award or "", "无")
    eligibility = "" if unit.eligible else "；取消评奖资格 not eligible"
    rank = f"排名 rank {unit.rank}" if unit.assessed else "不参加排名 not assessed (A17)"
    _append(ws, ["合计", "", "", "", float(unit.total), f"{rank}；奖项 {award}{eligibility}"])
    _append(ws, [rule_set.award_source_text])
    ws["A1"].font = Font(bold=True, size=14)
    for row in ws.iter_rows(min_row=4, max_row=ws.max_row - 1):
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width


def _append(ws: Worksheet, values: Sequence[object]) -> None:
    ws.append(xlsx_row(values))


def _sheet_name(unit: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, no control character or []:*?/\\, unique in the workbook."""
    base = xlsx_sheet_title(unit, "unit")[:28]
    name, n = base, 2
    while name in used:
        name, n = f"{base}~{n}", n + 1
    used.add(name)
    return name
