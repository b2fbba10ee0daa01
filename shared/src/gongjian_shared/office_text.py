"""Text that an xlsx or docx file can hold, whatever was stored before input was validated, and never a formula.

XML 1.0 (inside both formats) forbids the C0 control characters except tab, newline and carriage return, and
openpyxl refuses them on write (IllegalCharacterError), python-docx through lxml (ValueError). A vertical tab
or form feed is a line break pasted from Word (Shift+Enter): it becomes a newline; the others are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar, cast

T = TypeVar("T")

# openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, plus what XML 1.0 forbids beyond it (lone surrogates, U+FFFE/F)
_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
# sheet names: no control character at all, none of []:*?/\ (Excel's rule), at most 31 characters
_SHEET_TITLE = re.compile(r"[\x00-\x1f\[\]:*?/\\\ud800-\udfff\ufffe\uffff]")


def office_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold; tab, newline and carriage return kept."""
    return _ILLEGAL.sub("", _LINE_BREAKS.sub("\n", text))


def xlsx_safe(value: T) -> T:
    """A cell value openpyxl can write as what it is: strings cleaned, numbers, dates and None as they are.

    openpyxl writes a string that begins with `=` as a formula, so stored text such as
    `=HYPERLINK("https://…"&A1)` would run when the office opens the export: it is quoted with a leading
    apostrophe (the spreadsheet convention for "this is text"), as OWASP advises for formula injection.
    """
    if isinstance(value, str):
        text = office_text(value)
        return cast(T, "'" + text if len(text) > 1 and text.startswith("=") else text)
    return value


def xlsx_row(values: Iterable[Any]) -> list[Any]:
    """A row for `Worksheet.append` (also of a write-only sheet), every cell made safe."""
    return [xlsx_safe(value) for value in values]


def put(sheet: Any, row: int, column: int, value: Any = None) -> Any:
    """`sheet.cell(row=, column=, value=)` with the value made safe; returns the cell for styling."""
    return sheet.cell(row=row, column=column, value=xlsx_safe(value))


def xlsx_sheet_title(text: str, fallback: str = "sheet") -> str:
    """A worksheet name Excel accepts: no control character or []:*?/\\, at most 31 characters."""
    return _SHEET_TITLE.sub("_", text).strip()[:31] or fallback


def docx_safe(text: str) -> str:
    """Text for python-docx (runs, paragraphs, headings, cells): python-docx turns tab and newline into
    `<w:tab/>` and `<w:br/>`; the rest of C0 goes as `office_text` says."""
    return office_text(text)
