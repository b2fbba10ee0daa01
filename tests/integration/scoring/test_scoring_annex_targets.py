"""Live scores from the plan, not from what a unit chose to register (issue 12, part 6; spec A16, A17, A6 revised,
C4.1): the Annex 2 targets reach scoring through `annual-targets-set` (seeded, then imported), and the
provincial key flag through `project-registered`."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from integration.scoring.scoring_support import (
    item_points,
    live_scores,
    progress,
    publish,
    register_project,
    settle,
    unit_ids,
)
from openpyxl import load_workbook

from gongjian_shared.events.projects import ProjectRegistered
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio

API = "/api/v1/scoring"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Annex 1 member departments with no row in Annex 2 (no task)
NO_TASK = {"市公安局", "市财政局", "市统计局", "市政府督查室"}


def item(sheet: dict[str, Any], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in sheet["items"] if i["id"] == item_id)
    return found


async def sheet_of(platform: Platform, unit_id: str) -> dict[str, Any]:
    response = await platform.client.get(f"{API}/units/{unit_id}/sheet", params={"year": 2019})
    assert response.status_code == 200, response.text
    sheet: dict[str, Any] = response.json()
    return sheet


async def standings(platform: Platform, kind: str) -> dict[str, dict[str, Any]]:
    response = await platform.client.get(f"{API}/standings", params={"year": 2019, "kind": kind})
    assert response.status_code == 200, response.text
    return {row["unit"]: row for row in response.json()["units"]}


async def test_a_unit_with_a_prephase_target_and_no_prephase_project_is_scored_on_it(
    platform: Platform,
) -> None:
    unit = (await unit_ids(platform, "county"))["汉阴县"]
    await settle(platform)
    sheet = await sheet_of(platform, unit)
    c21, c22 = item(sheet, "C2.1"), item(sheet, "C2.2")
    # Annex 2: 10 pre-phase and 15 planned projects for 汉阴县, none registered: the items apply (A16),
    # each missing pre-phase project not done (15 - 10 × 0.5), the planning task not done
    assert (c21["applicable"], c21["points"]) == (True, 10)
    assert "Annex 2 target 10" in c21["explanation"]
    assert (c22["applicable"], c22["points"]) == (True, 0)
    assert sheet["total"] == 10 and sheet["assessed"] is True
    # nothing is prorated any more: doing nothing is not rewarded
    assert all(i["applicable"] for i in sheet["items"])


async def test_a_department_without_a_task_is_not_assessed_and_awards_are_capped_at_five(
    platform: Platform,
) -> None:
    departments = await unit_ids(platform, "department")
    await settle(platform)
    rows = await standings(platform, "department")
    assert len(rows) == len(departments) == 21
    unranked = {name for name, row in rows.items() if not row["assessed"]}
    assert unranked == NO_TASK
    assert all(rows[name]["rank"] is None and rows[name]["award"] is None for name in NO_TASK)
    ranked = [row for row in rows.values() if row["assessed"]]
    assert all(row["rank"] is not None for row in ranked) and len(ranked) == 17
    # A6 revised: 35% of the 17 ranked departments is 5.95 → 6, at most 5
    assert sum(1 for row in ranked if row["award"] == "advanced") == 5
    # a unit without a task still has its sheet, marked not assessed (A17)
    sheet = await sheet_of(platform, departments["市公安局"])
    assert (sheet["assessed"], sheet["rank"], sheet["award"]) == (False, None, None)
    # 市民政局: no key-project target, so D2 does not apply; its pre-phase target of 1 does (A16)
    civil = await sheet_of(platform, departments["市民政局"])
    assert (
        item(civil, "D2")["applicable"] is False
        and "Annex 2 target key_projects is 0" in (item(civil, "D2")["explanation"])
    )
    assert (item(civil, "D3.1")["applicable"], item(civil, "D3.1")["points"]) == (True, 5)


def edited_annex(content: bytes, changes: dict[str, dict[str, int]], added: list[list[Any]]) -> bytes:
    """The exported Annex 2 workbook with some units' cells changed (column letter -> value), rows added,
    and the total row emptied (a file without one is not checked against it)."""
    book = load_workbook(BytesIO(content))
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=4):
        name = row[0].value
        if name == "合计":
            for cell in row:
                cell.value = None
        for column, value in changes.get(str(name), {}).items():
            sheet[f"{column}{row[0].row}"] = value
    for values in added:
        sheet.append(values)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_importing_the_targets_rescores_every_unit_of_the_year(platform: Platform) -> None:
    counties = await unit_ids(platform, "county")
    departments = await unit_ids(platform, "department")
    await settle(platform)
    exported = await platform.client.get("/api/v1/plans/2019/targets", params={"format": "xlsx"})
    assert exported.status_code == 200, exported.text
    # 汉阴县 loses its pre-phase task (column E); 市公安局 gets one pre-phase project
    content = edited_annex(
        exported.content, {"汉阴县": {"E": 0}}, [["市公安局", None, None, None, 1, None, None, None]]
    )
    imported = await platform.client.post(
        "/api/v1/plans/2019/targets/import", files={"file": ("annex2.xlsx", content, XLSX)}
    )
    assert imported.status_code == 200, imported.text
    await settle(platform)
    c21 = item(await sheet_of(platform, counties["汉阴县"]), "C2.1")
    assert c21["applicable"] is False and "prephase_projects is 0" in c21["explanation"]
    police = await sheet_of(platform, departments["市公安局"])
    # assessed now: its one pre-phase project not done (15 - 10)
    assert (police["assessed"], item(police, "D3.1")["points"]) == (True, 5)
    rows = await standings(platform, "department")
    assert {name for name, row in rows.items() if not row["assessed"]} == NO_TASK - {"市公安局"}


async def test_a_provincial_key_project_flagged_at_registration_counts_for_c41(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["石泉县"]
    flagged = await register_project(platform, unit, 1, planned="1200", provincial_key=True)
    plain = await register_project(platform, unit, 2, planned="1200")
    # both continuing (started, A11) and ahead of the time-schedule at June: 700 × 12 > 1200 × 6 (A18)
    await publish(platform, progress(unit, flagged, 6, "700"), progress(unit, plain, 6, "700"))

    async def counted() -> bool:
        return item_points((await live_scores(platform))["石泉县"]).get("C4.1") == 1.5

    await eventually(counted, timeout=20, what="C4.1 to count the flagged project")
    facts = (await platform.client.get(f"{API}/units/{unit}/facts", params={"year": 2019})).json()
    flags = {p["code"][-6:]: p["provincial_key"] for p in facts["units"][0]["key_projects"]}
    assert flags == {"000001": True, "000002": False}
    explanation = item(await sheet_of(platform, unit), "C4.1")["explanation"]
    assert "1 × 1.5 = 1.5" in explanation


async def test_a_registration_event_of_the_previous_release_still_parses_and_folds(
    platform: Platform,
) -> None:
    """Events written before the flag existed have no `provincial_key`: they parse as not flagged."""
    unit = (await unit_ids(platform, "county"))["平利县"]
    old = ProjectRegistered.model_validate(
        {
            "project_id": "0b7c4a38-5b8e-4d5e-9f5e-5f0e8f0d0001",
            "unit_id": unit,
            "year": 2019,
            "kind": "key",
            "name": "旧事件项目",
            "code": "2019-610926-48-01-000009",
            "plan_category": "continuing",
            "total_investment_10k": "100000",
            "planned_investment_10k": "1200",
            "planned_start": None,
            "planned_completion": None,
        }
    )
    assert old.provincial_key is False
    await publish(platform, old, progress(unit, str(old.project_id), 6, "700"))
    await settle(platform)
    sheet = await sheet_of(platform, unit)
    assert item(sheet, "C4.1")["points"] == 0 and item(sheet, "C1.1")["applicable"] is True


async def test_one_units_facts_carry_its_own_annex_targets_as_the_whole_rule_sets_do(
    platform: Platform,
) -> None:
    """Rescoring or exporting one unit reads only its own row of Annex 2; the row is the one the whole rule
    set's facts give it, and a unit Annex 2 does not list has no task there as well (A17)."""
    departments = await unit_ids(platform, "department")
    await settle(platform)
    whole = await platform.client.get(f"{API}/facts", params={"rule_set": "2019-department"})
    assert whole.status_code == 200, whole.text
    targets = {unit["unit"]: unit["targets"] for unit in whole.json()["units"]}
    no_task = {"key_projects": 0, "prephase_projects": 0, "planned_projects": 0}
    assert {name for name, counts in targets.items() if counts == no_task} >= NO_TASK
    assert any(counts != no_task for counts in targets.values())
    for name, unit_id in departments.items():
        alone = await platform.client.get(f"{API}/units/{unit_id}/facts", params={"year": 2019})
        assert alone.status_code == 200, alone.text
        assert alone.json()["units"][0]["targets"] == targets[name], name
