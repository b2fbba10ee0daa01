"""The web console's assessment and project screens in a real browser (issue 13): the office opens the standings
and a unit's score sheet with every line explained; a unit's reporter applies for a project's start recognition
with a photo, the office approves it from the recognition queue, and the project page shows it.

Same platform and Chromium as test_web_console.py (its fixtures, a platform of this module's own); the journeys
are web/e2e/journey-scores.mjs, with screenshots under web/test-results/<journey>/ (a trace there on failure).
What the browser showed is checked against the public API.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from e2e import test_web_console as web_console
from e2e.test_accounts_journey import SHANGHAI
from e2e.test_web_console import Console, _assert_accessible, _photo, _project, run_journey

# The console's fixtures (the built web/dist, Chromium, the platform), registered in this module by name.
built, chromium, console = web_console.built, web_console.chromium, web_console.console
SCORING = "/api/v1/scoring"


def _journey(console: Console, name: str, **data: Any) -> dict[str, Any]:
    return run_journey("journey-scores.mjs", name, {"base": console.server.base} | data)


def _this_years_county_sheet(console: Console) -> None:
    """The office issues this year's county score sheet: the shipped 2019 rules with this year's dates."""
    http, admin = console.journey.http, console.journey.admin.headers
    shipped = http.get(f"{SCORING}/rule-sets/2019-county", headers=admin)
    assert shipped.status_code == 200, shipped.text
    rules = shipped.json()["rule_set"]
    year = str(console.year)
    rules |= {"id": f"{year}-county", "year": console.year, "title": rules["title"].replace("2019", year)}
    for item in rules["items"]:
        for checkpoint in item["rule"].get("checkpoints") or []:
            checkpoint["on"] = checkpoint["on"].replace("2019", year)
    created = http.post(f"{SCORING}/rule-sets", json=rules, headers=admin)
    assert created.status_code == 201, created.text


def _sheet_once_scored(console: Console, unit_id: str) -> dict[str, Any]:
    """The unit's sheet once scoring has the project registered (it arrives by event): C1.1 applies."""
    http, office = console.journey.http, console.office.headers
    deadline = time.monotonic() + 60
    while True:
        response = http.get(f"{SCORING}/units/{unit_id}/sheet", params={"year": console.year}, headers=office)
        if response.status_code == 200:
            sheet: dict[str, Any] = response.json()
            if any(item["id"] == "C1.1" and item["applicable"] for item in sheet["items"]):
                return sheet
        assert time.monotonic() < deadline, f"scoring never scored the project: {response.text}"
        time.sleep(0.5)


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def test_the_office_opens_the_standings_and_a_units_score_sheet_every_line_explained(
    console: Console,
) -> None:
    project = _project(console, "汉滨区", "汉滨区高新区标准化厂房")
    console.shared["scored_project"] = project  # the next test's, whether this one passes or not
    _this_years_county_sheet(console)
    unit_id = console.units["汉滨区"]
    sheet = _sheet_once_scored(console, unit_id)
    result = _journey(
        console,
        "office-reads-the-scores",
        office={"username": console.office.username, "password": console.office.password},
        unit="汉滨区",
    )
    _assert_accessible(result)
    standings = console.journey.http.get(
        f"{SCORING}/standings",
        params={"year": console.year, "kind": "county"},
        headers=console.office.headers,
    ).json()
    assert result["standings_units"] == [row["unit"] for row in standings["units"]]
    shown = result["sheet"]
    assert (shown["unit"], shown["total"]) == ("汉滨区", _points(sheet["total"]))
    assert shown["provisional"] == (1 if sheet["provisional"] else 0)
    titles = {
        item["id"]: item["title"]
        for item in console.journey.http.get(
            f"{SCORING}/rule-sets/{console.year}-county", headers=console.office.headers
        ).json()["rule_set"]["items"]
    }
    assert [row["id"] for row in shown["rows"]] == [item["id"] for item in sheet["items"]]
    for row, item in zip(shown["rows"], sheet["items"], strict=True):
        assert row["title"] == titles[item["id"]]
        assert row["standard"] == _points(item["standard"])
        assert row["points"] == (_points(item["points"]) if item["applicable"] else "不适用")
        assert "; ".join(row["steps"]) == item["explanation"], (row, item)
        assert row["source"] == item["source_text"]
    c11 = next(row for row in shown["rows"] if row["id"] == "C1.1")
    assert any("12,000" in step or "12000" in step for step in c11["steps"]), c11


def test_a_unit_applies_for_a_start_with_a_photo_and_the_office_recognises_it(
    console: Console, tmp_path: Path
) -> None:
    project = console.shared.get("scored_project") or _project(console, "汉滨区", "汉滨区高新区标准化厂房")
    reporter = console.journey.create_account(console.units["汉滨区"], "reporter")
    console.journey.first_sign_in(reporter)
    photo = _photo(tmp_path)
    today = datetime.now(SHANGHAI).date().isoformat()
    description = f"已完成场地平整并开始桩基施工 {uuid.uuid4().hex[:4]}"
    common = {"project_name": project["name"], "photo_name": photo.name}
    applied = _journey(
        console,
        "unit-applies-for-a-start",
        reporter={"username": reporter.username, "password": reporter.password},
        start_date=today,
        description=description,
        photo=str(photo),
        **common,
    )
    _assert_accessible(applied)
    assert applied["own_sheet_unit"] == "汉滨区"
    decided = _journey(
        console,
        "office-recognises-the-start",
        office={"username": console.office.username, "password": console.office.password},
        **common,
    )
    _assert_accessible(decided)
    assert decided["downloaded"] == {"name": photo.name, "size": photo.stat().st_size}
    http, office = console.journey.http, console.office.headers
    now = http.get(f"/api/v1/projects/{project['id']}", headers=office).json()
    assert (now["status"], now["started_on"]) == ("started", today)
    recognitions = http.get(f"/api/v1/projects/{project['id']}/recognitions", headers=office).json()
    assert [(r["kind"], r["status"], r["date"], r["description"]) for r in recognitions] == [
        ("start", "recognised", today, description)
    ]
    assert [(f["name"], f["size"]) for f in recognitions[0]["evidence"]] == [
        (photo.name, photo.stat().st_size)
    ]
    assert (decided["project_status"], decided["started_on"]) == ("在建", today)
    assert len(decided["recognitions"]) == 1 and "已认定" in decided["recognitions"][0], decided[
        "recognitions"
    ]
    assert description in decided["recognitions"][0]
    assert any("未开工 → 在建" in line for line in decided["history"]), decided["history"]


def test_the_office_sees_the_months_reporting_status_and_reminds_a_unit_in_one_click(
    console: Console,
) -> None:
    project = _project(console, "宁陕县", "宁陕县筒车湾旅游综合体")
    year, month = console.journey.open_this_month()
    result = _journey(
        console,
        "office-reminds-the-missing",
        office={"username": console.office.username, "password": console.office.password},
        unit="宁陕县",
        project_name=project["name"],
    )
    _assert_accessible(result)
    assert result["month_state"] == "填报中"
    assert result["message"] == "已催报：宁陕县"
    missing = console.journey.http.get(
        f"/api/v1/progress-reports/months/{year}/{month}/missing", headers=console.office.headers
    ).json()
    owed = {unit["unit_name"]: unit["project_ids"] for unit in missing}
    assert project["id"] in owed["宁陕县"]
    assert f"未报 {sum(len(ids) for ids in owed.values())}" in result["totals"]
