"""The provincial platform's column templates (导出模板), kept as data: one JSON file per template version in
`templates/`. A new version of the province's export is a new file, not code. A file's template is detected
from its header row; a header may carry its money unit (`总投资（元）`), which overrides the template's."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

# 万元 per unit: the registry stores 万元 (10,000 CNY)
MONEY_UNITS: dict[str, Decimal] = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
HEADER_SCAN_ROWS = 10  # a title row or two may come before the header row
_UNIT_SUFFIX = re.compile(r"[（(]\s*(元|万元|亿元)\s*[)）]$")


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]
    required: bool = False
    money: bool = False


@dataclass(frozen=True)
class Template:
    name: str
    version: str
    title_zh: str
    money_unit: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def column(self, field: str) -> Column | None:
        return next((column for column in self.columns if column.field == field), None)


@dataclass(frozen=True)
class Layout:
    """Where a detected template's fields are in one file: field -> (0-based column, header text, unit)."""

    template: Template
    header_row: int  # 1-based
    fields: dict[str, tuple[int, str, str | None]]


def _template(data: dict[str, Any]) -> Template:
    columns = tuple(
        Column(
            field=str(column["field"]),
            headers=tuple(str(header) for header in column["headers"]),
            required=bool(column.get("required", False)),
            money=bool(column.get("money", False)),
        )
        for column in data["columns"]
    )
    if data["money_unit"] not in MONEY_UNITS:
        raise ValueError(
            f"template {data['name']}@{data['version']}: unknown money unit {data['money_unit']}"
        )
    return Template(
        str(data["name"]), str(data["version"]), str(data["title_zh"]), data["money_unit"], columns
    )


@cache
def templates() -> tuple[Template, ...]:
    """Every template file, the newest version of a name first."""
    folder = resources.files("gongjian_projects.provincial").joinpath("templates")
    loaded = [
        _template(json.loads(entry.read_text(encoding="utf-8")))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    ]
    return tuple(sorted(loaded, key=lambda template: (template.name, template.version), reverse=True))


def template_named(key: str) -> Template | None:
    """`name@version`, or a bare name for its newest version."""
    return next((t for t in templates() if key in (t.key, t.name)), None)


def split_header(text: str) -> tuple[str, str | None]:
    """A header cell's name without spaces and its money unit, if it names one: `总投资（元）` -> (总投资, 元)."""
    squeezed = "".join(text.split())
    match = _UNIT_SUFFIX.search(squeezed)
    if match is None:
        return squeezed, None
    return squeezed[: match.start()], match.group(1)


def _layout(template: Template, row_number: int, cells: list[str]) -> Layout | None:
    found: dict[str, tuple[int, str, str | None]] = {}
    for index, cell in enumerate(cells):
        name, unit = split_header(cell)
        for column in template.columns:
            if column.field not in found and name in column.headers:
                found[column.field] = (index, cell.strip(), unit)
                break
    if any(column.required and column.field not in found for column in template.columns):
        return None
    return Layout(template, row_number, found)


def detect(rows: list[list[str]]) -> Layout | None:
    """The template whose required headers a row among the first ones carries, most columns found winning
    (the newer version on a tie)."""
    best: Layout | None = None
    for row_number, cells in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        for template in templates():
            layout = _layout(template, row_number, cells)
            if layout is not None and (best is None or len(layout.fields) > len(best.fields)):
                best = layout
        if best is not None:
            return best
    return None
