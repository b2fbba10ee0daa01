"""The provincial exchange's spreadsheets: the reconciliation report and the export in the province's
template (its first header of each column, money in the template's unit)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gongjian_projects.models import ProgressReport, Project
from gongjian_projects.provincial.schemas import ReconciliationReport
from gongjian_projects.provincial.templates import MONEY_UNITS, Template
from gongjian_shared.office_text import xlsx_row, xlsx_sheet_title

OUTCOME_ZH = {
    "agrees": "一致",
    "differs": "不一致",
    "no-report": "本平台未填报",
    "no-provincial-figure": "省平台无数据",
}
CORRECT_ON_ZH = {"province": "省平台", "registry": "本平台"}
RECONCILIATION_HEADERS = (
    "责任单位",
    "项目代码",
    "项目名称",
    "对账结果",
    "本平台本月完成投资（万元）",
    "省平台本月完成投资（万元）",
    "本月完成投资差额（万元）",
    "本平台累计完成投资（万元）",
    "省平台累计完成投资（万元）",
    "累计完成投资差额（万元）",
    "本平台填报状态",
    "超出容差",
    "负责更正的单位",
    "更正位置",
)


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reconciliation_workbook(report: ReconciliationReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx_sheet_title(f"{report.year}年{report.month}月对账")
    sheet.append(xlsx_row(RECONCILIATION_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in report.lines:
        sheet.append(
            xlsx_row(
                [
                    line.unit_name,
                    line.code,
                    line.project_name,
                    OUTCOME_ZH[line.outcome],
                    line.our_completed_10k,
                    line.province_completed_10k,
                    line.completed_difference_10k,
                    line.our_cumulative_10k,
                    line.province_cumulative_10k,
                    line.cumulative_difference_10k,
                    line.our_report_status,
                    "是" if line.beyond_tolerance else "否",
                    line.responsible_unit_name,
                    CORRECT_ON_ZH.get(line.correct_on or ""),
                ]
            )
        )
    sheet.freeze_panes = "A2"
    return _save(workbook)


def _header(template: Template, field: str, headers: tuple[str, ...]) -> str:
    column = template.column(field)
    text = headers[0]
    if column is not None and column.money and template.column("money_unit") is None:
        return f"{text}（{template.money_unit}）"
    return text


def _money(amount: Decimal | None, template: Template) -> Decimal | None:
    return None if amount is None else amount / MONEY_UNITS[template.money_unit]


def _values(template: Template, serial: int, entry: Project, report: ProgressReport | None) -> dict[str, Any]:
    return {
        "serial": serial,
        "code": entry.code or entry.legacy_code,
        "name": entry.name,
        "location": entry.address,
        "money_unit": template.money_unit,
        "total_investment": _money(entry.total_investment_10k, template),
        "planned_investment": _money(entry.planned_investment_10k, template),
        "completed": _money(report.completed_10k, template) if report else None,
        "cumulative": _money(report.cumulative_10k, template) if report else None,
        "started_on": entry.started_on,
        "physical_progress": report.physical_progress if report else None,
    }


def export_workbook(template: Template, rows: list[tuple[Project, ProgressReport | None]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx_sheet_title(template.title_zh)
    sheet.append(xlsx_row(_header(template, c.field, c.headers) for c in template.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for serial, (entry, report) in enumerate(rows, start=1):
        values = _values(template, serial, entry, report)
        sheet.append(xlsx_row(values.get(column.field) for column in template.columns))
    sheet.freeze_panes = "A2"
    return _save(workbook)
