"""Status that matches the site (issue 12, item 2): continuing and completion projects are under
construction from the year's start, completion follows the notice's test, warnings judge them on investment."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from integration.evidence.evidence_support import jpeg
from integration.projects.conftest import Clocked
from integration.projects.registry_support import assert_problem, count, events, register, unit_ids
from integration.projects.test_ledger_warning_plan import report_and_accept
from openpyxl import Workbook

pytestmark = pytest.mark.asyncio

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JUDGEMENT = "经现场核查，主体工程已通过验收，具备运营条件"


def completion(when: str) -> dict[str, Any]:
    return {"kind": "completion", "date": when, "description": "竣工验收"}


async def report_with_cumulative(
    clocked: Clocked, project_id: str, month: int, done: str, total: str
) -> None:
    client = clocked.platform.client
    body = {"year": 2019, "month": month, "completed_10k": done, "cumulative_10k": total}
    body |= {"physical_progress": "收尾", "image_progress_percent": "99"}
    report = await client.post(f"/api/v1/projects/{project_id}/progress-reports", json=body)
    assert report.status_code == 201, report.text
    assert (await client.post(f"/api/v1/progress-reports/{report.json()['id']}/accept")).status_code == 200


async def history(clocked: Clocked, project_id: str) -> list[tuple[str, str | None]]:
    response = await clocked.platform.client.get(f"/api/v1/projects/{project_id}/status-history")
    return [(step["to_status"], step["reason"]) for step in response.json()]


async def test_a_continuing_project_registered_in_march_is_not_red_for_not_started(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 3, 15, 9)
    units = await unit_ids(platform)
    common: dict[str, Any] = {"planned_investment_10k": "1200", "planned_start": "2018-06-01"}
    continuing = await register(
        platform, units["汉阴县"], name="续建水厂", plan_category="continuing", **common
    )
    waiting = await register(
        platform, units["汉阴县"], name="新开工园区", plan_category="new-start", **common
    )
    assert (continuing["status"], continuing["started_on"], waiting["status"]) == ("started", None, "planned")
    [(status, reason)] = await history(clocked, continuing["id"])
    assert status == "started" and reason is not None and "continuing" in reason and "2019" in reason

    await clocked.at(2019, 3, 28, 9)  # the month's reporting window is open
    await report_and_accept(platform, continuing["id"], 3, "300")  # 25 %, exactly the benchmark
    await report_and_accept(platform, waiting["id"], 3, "300")
    evaluated = await platform.client.post("/api/v1/early-warning/2019/3/evaluate")
    assert evaluated.status_code == 200, evaluated.text
    warnings = {
        w["project_name"]: w
        for w in (await platform.client.get("/api/v1/early-warning/2019/projects")).json()
    }
    assert (warnings["续建水厂"]["colour"], warnings["续建水厂"]["reason"]) == ("green", "on schedule")
    assert warnings["新开工园区"]["colour"] == "red" and "not started" in warnings["新开工园区"]["reason"]
    assert [e["project_id"] for e in await events(platform, "project-behind-schedule")] == [waiting["id"]]


async def test_a_continuing_project_falls_behind_on_investment_only(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 28, 9)
    units = await unit_ids(platform)
    project = await register(
        platform,
        units["石泉县"],
        plan_category="continuing",
        planned_investment_10k="1200",
        planned_start=None,
    )
    await report_and_accept(platform, project["id"], 6, "359.99")  # just over 20 points behind 50 %
    [red] = await events(platform, "project-behind-schedule")
    assert (red["project_id"], red["colour"], red["completion_share_percent"]) == (
        project["id"],
        "red",
        "30.00",
    )
    assert "behind the time-schedule" in red["reason"]


async def test_an_imported_continuing_or_completion_project_enters_under_construction(
    clocked: Clocked,
) -> None:
    platform = clocked.platform
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["项目名称*", "项目类型*", "统一项目代码", "责任单位*", "计划类别", "总投资", "年度计划投资"]
    )
    for name, category in (("导入续建", "续建"), ("导入竣工", "竣工"), ("导入新开工", "新开工")):
        sheet.append([name, "重点", None, "平利县", category, 5000, 1000])
    buffer = BytesIO()
    book.save(buffer)
    imported = await platform.client.post(
        "/api/v1/projects/import",
        params={"year": 2019},
        files={"file": ("plan.xlsx", buffer.getvalue(), XLSX)},
    )
    assert imported.status_code == 201, imported.text
    statuses = {
        p["name"]: p["status"]
        for p in (await platform.client.get("/api/v1/projects", params={"year": 2019})).json()["items"]
    }
    assert statuses == {"导入续建": "started", "导入竣工": "started", "导入新开工": "planned"}


async def test_changing_the_plan_category_before_a_start_follows_the_site(clocked: Clocked) -> None:
    platform = clocked.platform
    units = await unit_ids(platform)
    project = await register(platform, units["平利县"], plan_category="new-start")
    url = f"/api/v1/projects/{project['id']}"
    changed = await platform.client.patch(
        url, json={"plan_category": "continuing"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "started"
    back = await platform.client.patch(url, json={"plan_category": "new-start"}, headers={"If-Match": '"2"'})
    assert back.json()["status"] == "planned"
    assert [status for status, _ in await history(clocked, project["id"])] == [
        "planned",
        "started",
        "planned",
    ]


async def test_a_completion_project_completes_without_a_start_once_its_year_investment_is_done(
    clocked: Clocked,
) -> None:
    platform = clocked.platform
    await clocked.at(2019, 11, 26, 9)
    units = await unit_ids(platform)
    project = await register(
        platform,
        units["白河县"],
        plan_category="completion",
        planned_investment_10k="1000",
        planned_start=None,
    )
    url = f"/api/v1/projects/{project['id']}/recognitions"
    start = await platform.client.post(url, json=completion("2019-11-20") | {"kind": "start"})
    assert start.status_code == 409 and start.json()["allowed"] == ["planned"]
    applied = await platform.client.post(url, json=completion("2019-11-18"))
    assert applied.status_code == 201, applied.text

    await report_and_accept(platform, project["id"], 11, "999.99")
    refused = await platform.client.post(f"{url}/{applied.json()['id']}/recognise")
    assert_problem(refused, 409, "office_judgement", "planned-investment-completed")
    assert (await platform.client.get(f"/api/v1/projects/{project['id']}")).json()["status"] == "started"
    assert (await platform.client.get(url)).json()[0]["status"] == "applied"
    assert await events(platform, "project-completed") == []

    await clocked.at(2019, 12, 26, 9)
    await report_with_cumulative(
        clocked, project["id"], 12, "0.01", "1000"
    )  # the year's 1000 万元 now complete
    recognised = await platform.client.post(f"{url}/{applied.json()['id']}/recognise")
    assert recognised.status_code == 200, recognised.text
    done = (await platform.client.get(f"/api/v1/projects/{project['id']}")).json()
    assert (done["status"], done["started_on"], done["completed_on"]) == ("completed", None, "2019-11-18")
    [event] = await events(platform, "project-completed")
    assert (event["project_id"], event["completed_on"]) == (project["id"], "2019-11-18")
    assert [status for status, _ in await history(clocked, project["id"])] == ["started", "completed"]


async def test_the_office_may_complete_on_its_written_judgement_of_the_evidence(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 11, 26, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["白河县"], plan_category="completion", planned_start=None)
    url = f"/api/v1/projects/{project['id']}/recognitions"
    applied = (await platform.client.post(url, json=completion("2019-11-18"))).json()
    blank = await platform.client.post(f"{url}/{applied['id']}/recognise", json={"office_judgement": ""})
    assert_problem(blank, 422, "office_judgement", "string_too_short")
    assert (
        await count(platform, "SELECT count(*) FROM projects.recognitions WHERE status = 'recognised'") == 0
    )

    photo = await platform.client.post(
        f"{url}/{applied['id']}/evidence", files={"file": ("竣工照片.jpg", jpeg(), "image/jpeg")}
    )
    assert photo.status_code == 201, photo.text
    judged = await platform.client.post(
        f"{url}/{applied['id']}/recognise", json={"office_judgement": JUDGEMENT}
    )
    assert judged.status_code == 200, judged.text
    assert (judged.json()["status"], judged.json()["decision_reason"]) == ("recognised", JUDGEMENT)
    assert (await platform.client.get(f"/api/v1/projects/{project['id']}")).json()["status"] == "completed"
