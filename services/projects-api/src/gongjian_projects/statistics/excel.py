"""The statistics in their official xlsx layouts (月统计表、季度通报), each with a chart."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from gongjian_projects.statistics.schemas import (
    AmountVsTarget,
    CountVsTarget,
    QuarterlyBulletin,
    RankedRow,
    StatisticsRow,
    StatisticsTable,
    TargetsVsActuals,
    TargetsVsActualsRow,
)
from gongjian_shared.office_text import put

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MONEY = "#,##0.00"
TABLE_HEADERS = (
    "序号",
    "单位",
    "重点项目个数",
    "其中新开工",
    "新开工已开工",
    "开工率（%）",
    "年度计划投资（万元）",
    "计划完成（万元）",
    "累计完成（万元）",
    "完成率（%）",
    "序时进度（%）",
    "是否滞后",
)


def _title(sheet: Any, row: int, text: str, width: int) -> None:
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = put(sheet, row, 1, text)
    cell.font = Font(name="方正小标宋简体", size=16, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[row].height = 30


def _header(sheet: Any, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = put(sheet, row, column, text)
        cell.font = Font(name="黑体", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    sheet.row_dimensions[row].height = 36


def _figures(sheet: Any, row: int, number: object, item: StatisticsRow) -> None:
    values = (
        number,
        item.name,
        item.key_projects,
        item.new_start,
        item.new_start_started,
        float(item.start_rate_percent),
        float(item.planned_investment_10k),
        float(item.planned_year_to_date_10k),
        float(item.completed_year_to_date_10k),
        float(item.completion_share_percent),
        float(item.benchmark_percent),
        "是" if item.behind_benchmark else "否",
    )
    for column, value in enumerate(values, start=1):
        cell = put(sheet, row, column, value)
        cell.border = BOX
        if column >= 6 and column <= 11:
            cell.number_format = MONEY


def _widths(sheet: Any, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _chart(sheet: Any, title: str, first_row: int, last_row: int, anchor: str) -> None:
    """Completion share per unit against the time-schedule benchmark."""
    if last_row < first_row:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = "%"
    chart.height, chart.width = 9, 22
    data = Reference(sheet, min_col=10, max_col=11, min_row=first_row - 1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=first_row, max_row=last_row))
    sheet.add_chart(chart, anchor)


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def monthly_table(table: StatisticsTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "月统计表"
    _title(
        sheet, 1, f"安康市{table.year}年市级重点项目1-{table.month}月投资完成情况统计表", len(TABLE_HEADERS)
    )
    put(sheet, 2, 1, "数据已冻结发布" if table.frozen else "数据未冻结（以冻结后为准）")
    put(sheet, 2, len(TABLE_HEADERS), "单位：万元、%").alignment = Alignment(horizontal="right")
    _header(sheet, 3, TABLE_HEADERS)
    row = 4
    if table.city is not None:
        _figures(sheet, row, "", table.city)
        for column in range(1, len(TABLE_HEADERS) + 1):
            sheet.cell(row=row, column=column).font = Font(bold=True)
        row += 1
    first = row
    for number, item in enumerate(table.rows, start=1):
        _figures(sheet, row, number, item)
        row += 1
    _widths(sheet, (6, 20, 10, 10, 10, 10, 16, 16, 16, 10, 10, 8))
    sheet.freeze_panes = "C4"
    _chart(sheet, "各单位完成率与序时进度", first, row - 1, f"B{row + 2}")
    return _save(workbook)


def _ranked_section(sheet: Any, row: int, heading: str, rows: Sequence[RankedRow]) -> tuple[int, int, int]:
    put(sheet, row, 1, heading).font = Font(name="黑体", size=12, bold=True)
    _header(sheet, row + 1, ("名次", *TABLE_HEADERS[1:]))
    first = row + 2
    for offset, item in enumerate(rows):
        _figures(sheet, first + offset, item.rank, item)
    return first, first + len(rows) - 1, first + len(rows) + 1


def quarterly_bulletin(bulletin: QuarterlyBulletin) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "季度通报"
    width = len(TABLE_HEADERS)
    _title(sheet, 1, f"安康市{bulletin.year}年第{bulletin.quarter}季度市级重点项目建设情况通报", width)
    city = bulletin.city
    summary = (
        f"截至{bulletin.month}月底，全市{city.key_projects}个市级重点项目累计完成投资"
        f"{city.completed_year_to_date_10k}万元，占年度计划{city.planned_investment_10k}万元的"
        f"{city.completion_share_percent}%（序时进度{city.benchmark_percent}%）；新开工项目{city.new_start}个，"
        f"已开工{city.new_start_started}个，开工率{city.start_rate_percent}%。"
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=width)
    cell = put(sheet, 2, 1, f"一、总体情况：{summary}")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    first, last, row = _ranked_section(sheet, 5, "二、县区（开发区）排名", bulletin.counties_and_zones)
    _chart(sheet, "县区（开发区）完成率与序时进度", first, last, f"N{first}")
    _, _, row = _ranked_section(sheet, row, "三、市直部门及企业排名", bulletin.departments_and_enterprises)
    put(sheet, row, 1, "四、预警（红色）项目").font = Font(name="黑体", size=12, bold=True)
    _header(sheet, row + 1, ("序号", "项目名称", "责任单位", "完成率（%）", "原因"))
    for index, red in enumerate(bulletin.red_projects, start=1):
        values = (index, red.name, red.unit_name, float(red.completion_share_percent), red.reason)
        for column, value in enumerate(values, start=1):
            put(sheet, row + 1 + index, column, value).border = BOX
    _widths(sheet, (6, 24, 14, 12, 12, 10, 16, 16, 16, 10, 10, 8))
    return _save(workbook)


# (attribute, Annex 2 header) of the compared columns, in the annex's order
TARGET_COLUMNS = (
    ("key_projects", "重点建设项目个数（个）"),
    ("key_projects_new_start", "其中：新开工项目（已开工）"),
    ("planned_investment_10k", "年度计划投资（万元）/累计完成投资"),
    ("prephase_projects", "重点前期项目个数（个）"),
    ("planned_projects", "策划包装项目个数"),
    ("planned_projects_over_2bn", "其中：投资过20亿元项目个数"),
    ("planned_projects_over_10bn", "其中：投资过百亿元项目个数"),
    ("attraction_domestic_capital_100m", "招商引资到位资金（亿元）"),
)
TRIPLE = ("任务", "完成", "差额")


def _number(value: Decimal | int | None) -> float | int | None:
    return float(value) if isinstance(value, Decimal) else value


def _target_cells(item: TargetsVsActualsRow) -> list[object]:
    values: list[object] = [item.unit_name]
    for attribute, _ in TARGET_COLUMNS:
        pair: CountVsTarget | AmountVsTarget = getattr(item, attribute)
        values += [_number(pair.target), _number(pair.actual), _number(pair.gap)]
    values.append(_number(item.attraction_other_target))
    return values


def targets_table(table: TargetsVsActuals) -> bytes:
    """Annex 2's columns, each as task / done / gap (任务、完成、差额); the city first, then the units."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "目标任务完成情况"
    width = 2 + 3 * len(TARGET_COLUMNS)
    _title(sheet, 1, f"安康市{table.year}年县区、部门目标任务完成情况（1-{table.month}月）", width)
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    put(sheet, 2, 1, "单位名称")
    for index, (_, header) in enumerate(TARGET_COLUMNS):
        first = 2 + 3 * index
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 2)
        put(sheet, 2, first, header)
        for offset, text in enumerate(TRIPLE):
            put(sheet, 3, first + offset, text)
    sheet.merge_cells(start_row=2, start_column=width, end_row=3, end_column=width)
    put(sheet, 2, width, "招商引资（原表无表头）任务")
    rows = ([table.city] if table.city is not None else []) + list(table.rows)
    for row_index, item in enumerate(rows, start=4):
        for column, value in enumerate(_target_cells(item), start=1):
            put(sheet, row_index, column, value)
    for row in sheet.iter_rows(min_row=2, max_row=3 + len(rows), max_col=width):
        for cell in row:
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _widths(sheet, (18, *([10] * (width - 1))))
    sheet.freeze_panes = "B4"
    return _save(workbook)
