"""A realistic provincial monthly export (省平台月度导出), generated, with what importing it must find.

Given the registry's projects and the units' own monthly figures, each month's file repeats every project as the
province holds it: most agree with the unit's report, some differ (a little, within the tolerance, in 元 with fen;
or a lot, beyond it), projects registered with a pre-2020 code appear under that old code, a few rows are wrong
(a code of no shape, an amount that is no number, a day that is no date, a unit of money that is none), a few
projects are unknown to the registry, and one project appears twice (ambiguous). The months come in three
layouts: xlsx in 万元 under a title row (template 2019), xlsx in 元 (2019, units in the headers), and CSV in
GB18030 with a unit per row (元 / 万元 / 亿元, template 2023).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook

W = Decimal("0.000001")
HEADERS_2019 = [
    "项目代码",
    "项目名称",
    "建设地点",
    "总投资",
    "年度计划投资",
    "本月完成投资",
    "累计完成投资",
    "开工时间",
    "形象进度",
]
HEADERS_2023 = [
    "序号",
    "项目代码",
    "项目名称",
    "建设地点",
    "金额单位",
    "总投资",
    "年度计划投资",
    "本月完成投资",
    "自开工累计完成投资",
    "实际开工时间",
    "形象进度",
]


@dataclass(frozen=True)
class GenProject:
    code: str  # as registered
    legacy_code: str | None  # the pre-2020 code, the one the province still uses
    name: str
    total_10k: Decimal
    planned_10k: Decimal
    completed_10k: dict[int, Decimal]  # the unit's own report, by month
    cumulative_10k: dict[int, Decimal]


@dataclass
class Expected:
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    invalid: int = 0
    with_problems: int = 0
    # registry code -> the province's (completed, cumulative) in 万元, for every applicable row
    applicable: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    differs_within: set[str] = field(default_factory=set)
    differs_beyond: set[str] = field(default_factory=set)


@dataclass
class GeneratedMonth:
    month: int
    filename: str
    content: bytes
    expected: Expected


def _row_values(
    project: GenProject, month: int, completed: Decimal, cumulative: Decimal
) -> dict[str, object]:
    return {
        "code": project.legacy_code or project.code,
        "name": project.name,
        "location": "陕西省安康市",
        "total": project.total_10k,
        "planned": project.planned_10k,
        "completed": completed,
        "cumulative": cumulative,
        "started_on": "2021-03-01",
        "progress": f"{month}月主体施工",
    }


def _province_figures(
    rng: random.Random, project: GenProject, month: int, expected: Expected, within: bool, beyond: bool
) -> tuple[Decimal, Decimal]:
    completed, cumulative = project.completed_10k[month], project.cumulative_10k[month]
    if beyond:
        delta = Decimal(rng.randint(50, 500))
        expected.differs_beyond.add(project.code)
        return completed + delta, cumulative + delta
    if within:
        delta = Decimal("1.234567")  # 12,345.67 元: exact only to the fen
        expected.differs_within.add(project.code)
        return completed + delta, cumulative + delta
    return completed, cumulative


def _in(unit: str, amount: Decimal) -> str:
    scale = {"元": Decimal(10000), "万元": Decimal(1), "亿元": Decimal("0.0001")}[unit]
    return format((amount * scale).normalize(), "f")


def _xlsx(rows: list[list[object]], headers: list[str], title: str | None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[object]], headers: list[str]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("gb18030")


def _layout_row(month: int, values: dict[str, object], serial: int, unit: str) -> list[object]:
    money = [_in(unit, values[key]) for key in ("total", "planned", "completed", "cumulative")]  # type: ignore[arg-type]
    if month == 1:
        money = [values[key] for key in ("total", "planned", "completed", "cumulative")]
    head = [values["code"], values["name"], values["location"]]
    tail = [values["started_on"], values["progress"]]
    if month == 3:
        return [serial, *head, unit, *money, *tail]
    return [*head, *money, *tail]


def generate_month(
    projects: list[GenProject], month: int, unknown_codes: list[str], seed: int = 14
) -> GeneratedMonth:
    """One month's export of every project; `unknown_codes` are well-shaped codes the registry does not hold."""
    rng = random.Random(seed * 100 + month)
    expected = Expected()
    order = list(range(len(projects)))
    rng.shuffle(order)
    beyond, within = set(order[:6]), set(order[6:14])
    bad_code, bad_amount, bad_day, twice = order[14], order[15], order[16], order[17]
    bad_unit = order[18] if month == 3 else None
    rows: list[list[object]] = []
    for index, project in enumerate(projects):
        unit = ("元", "万元", "亿元")[index % 3] if month == 3 else "元"
        if month == 3 and index in within:
            unit = "元"  # fen need 元 (or 万元 with six decimals); 亿元 would be finer than a fen
        completed, cumulative = _province_figures(
            rng, project, month, expected, index in within, index in beyond
        )
        values = _row_values(project, month, completed, cumulative)
        row = _layout_row(month, values, len(rows) + 1, unit)
        problem = True
        if index == bad_code:
            row[row.index(values["code"])] = str(values["code"])[:-1]
            expected.invalid += 1
        elif index == bad_amount:
            row[-3] = "十二万"
            expected.matched += 1
        elif index == bad_day:
            row[-2] = "2021-13-45"
            expected.matched += 1
        elif index == bad_unit:
            row[4] = "千元"
            expected.matched += 1
        else:
            problem = False
        if problem:
            expected.with_problems += 1
            expected.differs_within.discard(project.code)
            expected.differs_beyond.discard(project.code)
        rows.append(row)
        if index == twice:
            rows.append(list(row))
            expected.ambiguous += 2
            expected.differs_within.discard(project.code)
            expected.differs_beyond.discard(project.code)
        elif not problem:
            expected.matched += 1
            expected.applicable[project.code] = (completed.quantize(W), cumulative.quantize(W))
    for serial, code in enumerate(unknown_codes):
        values = {
            "code": code,
            "name": f"省平台项目{serial + 1}",
            "location": "陕西省安康市",
            "total": Decimal(10000),
            "planned": Decimal(2000),
            "completed": Decimal(100),
            "cumulative": Decimal(300),
            "started_on": "2021-04-01",
            "progress": "未在本平台登记",
        }
        rows.append(_layout_row(month, values, len(rows) + 1, "元" if month == 2 else "万元"))
        expected.unmatched += 1
    expected.rows = len(rows)
    if month == 1:
        content = _xlsx(
            rows,
            [f"{h}（万元）" if i in (3, 4, 5, 6) else h for i, h in enumerate(HEADERS_2019)],
            "2021年1月陕西省重点项目调度表",
        )
        return GeneratedMonth(month, "省平台2021年1月.xlsx", content, expected)
    if month == 2:
        content = _xlsx(
            rows, [f"{h}（元）" if i in (3, 4, 5, 6) else h for i, h in enumerate(HEADERS_2019)], None
        )
        return GeneratedMonth(month, "省平台2021年2月.xlsx", content, expected)
    return GeneratedMonth(month, "省平台2021年3月.csv", _csv(rows, HEADERS_2023), expected)
