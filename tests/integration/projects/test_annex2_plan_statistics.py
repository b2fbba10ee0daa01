"""Acceptance: the Annex 2 targets and a generated plan of 200 key projects matching its per-unit counts,
loaded from xlsx (all or nothing); the statistics per unit reproduce Annex 2's planned investment exactly
(4,900,882 万元 in all). The statistics table and the bulletin come as xlsx with a chart."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from integration.projects.registry_support import assert_problem, count
from openpyxl import Workbook, load_workbook

from gongjian_projects.seed import TARGETS_FILE, _rows
from support.platform import Platform

pytestmark = pytest.mark.asyncio

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANNEX_TOTAL_10K = Decimal(4_900_882)


def upload(content: bytes, name: str = "file.xlsx") -> dict[str, Any]:
    return {"file": (name, content, XLSX)}


# the seeded counties' administrative codes: a county's projects carry its region in their codes
COUNTY_REGIONS = {
    row["unit_name"]: row["admin_code"] for row in _rows(TARGETS_FILE) if row["unit_kind"] == "county"
}


def plan_rows(targets: list[dict[str, Any]]) -> list[list[Any]]:
    """Per unit: as many key projects as Annex 2 says, the new starts among them, amounts summing exactly;
    codes in the unit's county (city-level units: the city's code)."""
    rows = []
    serial = 0
    for target in targets:
        count_, planned = target["key_projects"], Decimal(target["planned_investment_10k"])
        share = (planned / count_).quantize(Decimal(1)) if count_ else Decimal(0)
        for index in range(count_):
            serial += 1
            amount = planned - share * (count_ - 1) if index == 0 else share
            category = "新开工" if index < target["key_projects_new_start"] else "续建"
            rows.append(
                [
                    f"{target['unit_name']}重点项目{index + 1}",
                    "重点",
                    f"2019-{COUNTY_REGIONS.get(target['unit_name'], '610900')}-48-01-{serial:06d}",
                    target["unit_name"],
                    category,
                    float(amount * 3),
                    float(amount),
                    "2019-03-01",
                    "2021-12-31",
                    "建设内容",
                    "基础设施",
                    "负责人",
                    "安康市",
                ]
            )
    return rows


def workbook_of(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["项目名称*", "项目类型*", "统一项目代码", "责任单位*", "计划类别", "总投资", "年度计划投资"]
    )
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_annex2_targets_and_a_200_project_plan_reproduce_the_planned_investment(
    platform: Platform,
) -> None:
    client = platform.client
    targets = (await client.get("/api/v1/plans/2019/targets")).json()
    assert sum(Decimal(t["planned_investment_10k"]) for t in targets) == ANNEX_TOTAL_10K
    assert sum(t["key_projects"] for t in targets) == 200

    # the Annex 2 layout round-trips; a file with bad cells changes nothing and names them
    exported = await client.get("/api/v1/plans/2019/targets", params={"format": "xlsx"})
    assert exported.headers["content-type"] == XLSX
    book = load_workbook(BytesIO(exported.content))
    sheet = book.active
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A4"].value, sheet["D4"].value) == (
        "县区、部门项目任务分解表",
        "单位名称",
        "合计",
        4900882,
    )
    sheet["D6"] = "三十万"
    sheet["A7"] = "不存在的县"
    buffer = BytesIO()
    book.save(buffer)
    rejected = await client.post("/api/v1/plans/2019/targets/import", files=upload(buffer.getvalue()))
    assert_problem(rejected, 422, "任务分解表!D6", "number")
    assert_problem(rejected, 422, "任务分解表!A7", "unknown-unit")
    assert (await client.get("/api/v1/plans/2019/targets")).json() == targets
    reloaded = await client.post("/api/v1/plans/2019/targets/import", files=upload(exported.content))
    assert reloaded.status_code == 200, reloaded.text
    assert reloaded.json() == targets

    # the plan: one bad row refuses the whole file, then the good file loads all 200
    rows = plan_rows(targets)
    assert len(rows) == 200
    bad = [list(row) for row in rows]
    bad[57][2] = "2020-610900-48-01-000058"
    bad[120][6] = "-5"
    refused = await client.post(
        "/api/v1/projects/import", params={"year": 2019}, files=upload(workbook_of(bad))
    )
    assert_problem(refused, 422, "项目导入!C59", "code-shape")
    assert_problem(refused, 422, "项目导入!G122", "non-negative")
    assert await count(platform, "SELECT count(*) FROM projects.projects") == 0
    imported = await client.post(
        "/api/v1/projects/import", params={"year": 2019}, files=upload(workbook_of(rows))
    )
    assert imported.status_code == 201, imported.text[:2000]
    assert imported.json()["imported"] == 200

    table = (await client.get("/api/v1/statistics/2019/units", params={"month": 12})).json()
    by_name = {row["name"]: row for row in table["rows"]}
    for target in targets:
        row = by_name[target["unit_name"]]
        assert Decimal(row["planned_investment_10k"]) == Decimal(target["planned_investment_10k"]), row[
            "name"
        ]
        assert row["planned_investment_10k"] == row["target_planned_investment_10k"]
        assert (row["key_projects"], row["new_start"]) == (
            target["key_projects"],
            target["key_projects_new_start"],
        )
    city = table["city"]
    assert (Decimal(city["planned_investment_10k"]), city["key_projects"], city["new_start"]) == (
        ANNEX_TOTAL_10K,
        200,
        87,
    )
    assert city == (await client.get("/api/v1/statistics/2019/city", params={"month": 12})).json()

    monthly = await client.get("/api/v1/statistics/2019/monthly", params={"month": 6, "format": "xlsx"})
    sheet = load_workbook(BytesIO(monthly.content)).active
    assert sheet["A1"].value == "安康市2019年市级重点项目1-6月投资完成情况统计表"
    assert sheet["G4"].value == 4900882 and sheet._charts
    bulletin = await client.get("/api/v1/statistics/2019/quarterly/2")
    assert len(bulletin.json()["counties_and_zones"]) == 13
    assert [r["rank"] for r in bulletin.json()["departments_and_enterprises"]][:3] == [1, 2, 3]
    quarterly = await client.get("/api/v1/statistics/2019/quarterly/2", params={"format": "xlsx"})
    assert load_workbook(BytesIO(quarterly.content)).active._charts
