"""The concentrated starts as one xlsx sheet (集中开工项目表), the export the office circulates."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from gongjian_projects.concentrated_starts.schemas import ConcentratedStartOut
from gongjian_shared.office_text import put

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADERS = (
    "序号",
    "季度",
    "集中开工活动",
    "计划开工日期",
    "项目名称",
    "责任单位",
    "确认情况",
    "未能开工原因",
    "认定开工日期",
)
ANSWERS = {"declared": "待确认", "confirmed": "已确认", "declined": "不能按期开工"}
WIDTHS = (6, 8, 30, 14, 30, 16, 12, 30, 14)


def workbook(year: int, quarter: int | None, starts: Sequence[ConcentratedStartOut]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "集中开工"
    period = f"第{quarter}季度" if quarter else "各季度"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    title = put(sheet, 1, 1, f"安康市{year}年{period}重点项目集中开工项目表")
    title.font = Font(name="方正小标宋简体", size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    for column, text in enumerate(HEADERS, start=1):
        cell = put(sheet, 2, column, text)
        cell.font = Font(name="黑体", bold=True)
        cell.border = BOX
    row = 3
    for start in starts:
        for project in start.projects:
            values = (
                row - 2,
                f"Q{start.quarter}",
                start.event,
                start.planned_on.isoformat(),
                project.project_name,
                project.unit_name,
                ANSWERS[project.answer],
                project.reason,
                project.started_on.isoformat() if project.started_on else None,
            )
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value).border = BOX
            row += 1
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
