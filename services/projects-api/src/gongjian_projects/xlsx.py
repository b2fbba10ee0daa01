"""Reading uploaded xlsx files cell by cell, with every bad cell named (sheet!A1) in both languages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gongjian_shared.errors import FieldError, RuleViolation, field_error

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000


class ImportRejected(RuleViolation):
    slug = "import-rejected"
    title = "The file has errors; nothing was imported"
    title_zh = "文件有误，未导入任何数据"


def open_sheet(content: bytes) -> Any:
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRejected(
            errors=[field_error("file", "xlsx", f"Not a readable xlsx file: {exc}", "不是有效的 xlsx 文件")]
        ) from None
    return workbook.worksheets[0]


@dataclass
class CellErrors:
    """Collects the bad cells of a sheet; `raise_if_any` refuses the whole file."""

    sheet: str
    errors: list[FieldError] = field(default_factory=list)

    def add(self, row: int, column: int, rule: str, message: str, message_zh: str, header: str = "") -> None:
        where = f"{self.sheet}!{get_column_letter(column)}{row}"
        label = f" ({header})" if header else ""
        self.errors.append(
            field_error(where, rule, f"{where}{label}: {message}", f"{where}{label}：{message_zh}")
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRejected(
                f"{len(self.errors)} bad cell(s); fix them and upload the whole file again.",
                errors=self.errors[:500],
            )

    def text(self, value: Any) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def integer(self, value: Any, row: int, column: int, header: str) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0
        number = self.decimal(value, row, column, header)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.add(row, column, "whole-number", "must be a whole number", "须为整数", header)
            return None
        return int(number)

    def decimal(
        self, value: Any, row: int, column: int, header: str, *, blank: Decimal | None = Decimal(0)
    ) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return blank
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.add(row, column, "number", f"{value!r} is not a number", f"“{value}”不是数字", header)
            return None
        if not number.is_finite() or number < 0:
            self.add(
                row, column, "non-negative", "must be a number not below 0", "须为不小于 0 的数字", header
            )
            return None
        return number.quantize(Decimal("0.01"))

    def day(self, value: Any, row: int, column: int, header: str) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(
                row,
                column,
                "date",
                f"{value!r} is not a date (YYYY-MM-DD)",
                f"“{value}”不是日期（YYYY-MM-DD）",
                header,
            )
            return None
