"""Reading a provincial export (xlsx or CSV) into rows of figures in 万元, each bad cell a row problem (row,
column, message in Chinese and English). A file that cannot be read at all, or whose header row matches no
template, is refused whole; a bad row is kept with its problems, and the good rows go on."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gongjian_projects.projects.codes import SHAPE_MESSAGE, SHAPE_MESSAGE_ZH, parse_code
from gongjian_projects.provincial.errors import ProvincialFileRefused
from gongjian_projects.provincial.templates import MONEY_UNITS, Layout, detect
from gongjian_shared.errors import field_error

MAX_ROWS = 20_000
MAX_TEXT = 500
EXACT = Decimal("0.000001")  # 万元 to the fen (0.01 元)
LARGEST = Decimal(10) ** 13  # 万元: the columns hold 14 digits before the point
MONEY_FIELDS = ("total_investment", "planned_investment", "completed", "cumulative")
_DAY = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?|月)?$")


@dataclass
class ParsedRow:
    row_number: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, layout: Layout, name: str, rule: str, message: str, message_zh: str) -> None:
        index, header, _ = layout.fields.get(name, (0, "", None))
        column = get_column_letter(index + 1)
        self.problems.append(
            {
                "row": self.row_number,
                "column": column,
                "header": header,
                "field": name,
                "rule": rule,
                "message": f"row {self.row_number}, column {column} ({header}): {message}",
                "message_zh": f"第 {self.row_number} 行 {column} 列（{header}）：{message_zh}",
            }
        )


@dataclass
class ParsedFile:
    layout: Layout
    rows: list[ParsedRow]


def _refuse(rule: str, message: str, message_zh: str) -> ProvincialFileRefused:
    return ProvincialFileRefused(errors=[field_error("file", rule, message, message_zh)])


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            list(row) for _, row in zip(range(MAX_ROWS + 20), sheet.iter_rows(values_only=True), strict=False)
        ]
    except Exception as exc:
        raise _refuse("xlsx", f"Not a readable xlsx file: {exc}", "不是有效的 xlsx 文件") from None
    return rows


def _csv_rows(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        reader = csv.reader(io.StringIO(text, newline=""))
        return [list(row) for _, row in zip(range(MAX_ROWS + 20), reader, strict=False)]
    raise _refuse(
        "csv", "Not a readable CSV file (UTF-8 or GB18030)", "不是有效的 CSV 文件（UTF-8 或 GB18030 编码）"
    )


def read_rows(content: bytes, filename: str) -> list[list[Any]]:
    """The file's cells: xlsx by its content (a zip), else CSV."""
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        return _xlsx_rows(content)
    return _csv_rows(content)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _amount(row: ParsedRow, layout: Layout, name: str, value: Any, unit: str) -> Decimal | None:
    """The cell's amount in 万元, exactly; None (with a problem) when it is not a non-negative number or does
    not convert exactly (元 to the fen)."""
    raw = _text(value)
    if raw is None:
        return None
    try:
        number = Decimal(str(value) if isinstance(value, int | float) else raw.replace(",", ""))
    except InvalidOperation:
        row.problem(layout, name, "number", f"{raw!r} is not a number", f"“{raw}”不是数字")
        return None
    if not number.is_finite() or number < 0:
        row.problem(layout, name, "non-negative", "must be a number not below 0", "须为不小于 0 的数字")
        return None
    converted = number * MONEY_UNITS[unit]
    if converted >= LARGEST:
        row.problem(layout, name, "maximum", "is too large", "金额过大")
        return None
    if converted != converted.quantize(EXACT):
        row.problem(
            layout,
            name,
            "precision",
            f"{raw} {unit} is finer than a fen (0.01 元)",
            f"{raw}{unit} 精度超过 0.01 元",
        )
        return None
    return converted.quantize(EXACT)


def _day(row: ParsedRow, layout: Layout, value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _text(value)
    if raw is None:
        return None
    match = _DAY.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    except ValueError:
        row.problem(
            layout,
            "started_on",
            "date",
            f"{raw!r} is not a date (YYYY-MM-DD)",
            f"“{raw}”不是日期（YYYY-MM-DD）",
        )
        return None


def _unit_of_row(row: ParsedRow, layout: Layout, cells: list[Any]) -> str | None:
    if "money_unit" not in layout.fields:
        return layout.template.money_unit
    raw = _text(cells[layout.fields["money_unit"][0]])
    if raw is None:
        return layout.template.money_unit
    if raw not in MONEY_UNITS:
        row.problem(layout, "money_unit", "money-unit", "Use 元, 万元 or 亿元", "金额单位须为 元/万元/亿元")
        return None
    return raw


def _cell(cells: list[Any], layout: Layout, name: str) -> Any:
    where = layout.fields.get(name)
    return cells[where[0]] if where is not None and where[0] < len(cells) else None


def _parse_row(layout: Layout, row_number: int, cells: list[Any]) -> ParsedRow:
    row = ParsedRow(row_number)
    code = _text(_cell(cells, layout, "code"))
    row.values["code"] = code
    if code is None:
        row.problem(layout, "code", "required", "The project code is missing", "缺少项目代码")
    elif parse_code(code) is None:
        row.problem(layout, "code", "code-shape", SHAPE_MESSAGE, SHAPE_MESSAGE_ZH)
    for name in ("name", "location", "physical_progress"):
        text = _text(_cell(cells, layout, name))
        row.values[name] = text[:MAX_TEXT] if text else None
    row_unit = _unit_of_row(row, layout, cells)
    for name in MONEY_FIELDS:
        header_unit = layout.fields.get(name, (0, "", None))[2]
        unit = header_unit or row_unit
        value = _cell(cells, layout, name)
        row.values[name] = _amount(row, layout, name, value, unit) if unit else None
        column = layout.template.column(name)
        if column is not None and column.required and _text(value) is None:
            row.problem(layout, name, "required", "The amount is missing", "缺少金额")
    row.values["started_on"] = _day(row, layout, _cell(cells, layout, "started_on"))
    return row


def parse(content: bytes, filename: str) -> ParsedFile:
    """The file's template and its rows (blank rows skipped), or a refusal of the whole file."""
    rows = read_rows(content, filename)
    headers = [["" if value is None else str(value) for value in row] for row in rows]
    layout = detect(headers)
    if layout is None:
        raise _refuse(
            "template",
            "No known provincial template matches the header row (项目代码, 项目名称, 总投资, 本月完成投资, ...)",
            "表头与已知的省平台模板均不匹配（应含 项目代码、项目名称、总投资、本月完成投资 等列）",
        )
    parsed: list[ParsedRow] = []
    for row_number, cells in enumerate(rows[layout.header_row :], start=layout.header_row + 1):
        if all(_text(value) is None for value in cells):
            continue
        if len(parsed) >= MAX_ROWS:
            raise _refuse("too-many-rows", f"At most {MAX_ROWS} rows", f"最多 {MAX_ROWS} 行")
        parsed.append(_parse_row(layout, row_number, cells))
    if not parsed:
        raise _refuse("empty", "The file has no project rows", "文件中没有项目数据")
    return ParsedFile(layout, parsed)
