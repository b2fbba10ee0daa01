"""A full month in one test: the window opens, reports come in (one late, one returned and resubmitted,
one amended after acceptance), the due reminder names who is missing, the month freezes, and a later
amendment leaves the frozen month's published figures as they were and lands in the next month."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import Actor, account, assert_problem, events, register

from gongjian_projects.reporting.jobs import run_due_deadlines
from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio


def figures(completed: str, cumulative: str, **extra: Any) -> dict[str, Any]:
    return {
        "completed_10k": completed,
        "cumulative_10k": cumulative,
        "physical_progress": "施工中",
        "image_progress_percent": "30",
    } | extra


async def submit(platform: Platform, actor: Actor, project_id: str, month: int, body: dict[str, Any]) -> Any:
    return await platform.client.post(
        f"/api/v1/projects/{project_id}/progress-reports",
        json={"year": 2019, "month": month} | body,
        headers=actor.headers,
    )


async def act(
    platform: Platform, actor: Actor | None, report_id: str, action: str, **body: Any
) -> dict[str, Any]:
    headers = actor.headers if actor else {}
    response = await platform.client.post(
        f"/api/v1/progress-reports/{report_id}/{action}", json=body or None, headers=headers
    )
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def run_deadlines(clocked: Clocked) -> int:
    context = clocked.platform.context("projects-api")
    return await run_due_deadlines(context.sessionmaker, context.outbox, clocked.clock)


async def may_figures(platform: Platform) -> dict[str, Any]:
    response = await platform.client.get("/api/v1/progress-reports/months/2019/5/figures")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def may_statistics(platform: Platform) -> dict[str, Any]:
    response = await platform.client.get("/api/v1/statistics/2019/units", params={"month": 5})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_full_month_of_reports(clocked: Clocked) -> None:
    platform = clocked.platform
    unit = await platform.client.post(
        "/api/v1/units",
        json={
            "name": "周期测试县",
            "kind": "county",
            "admin_code": "610998",
            "contacts": [{"role": "liaison", "name": "联络员甲", "phone": "0915-1234567"}],
        },
    )
    assert unit.status_code == 201, unit.text
    unit_id = unit.json()["id"]
    p1, p2, p3, p4 = [(await register(platform, unit_id, name=f"周期项目{i}"))["id"] for i in range(1, 5)]
    reporter = await account(platform, [Role.REPORTER], unit_id)
    reviewer = await account(platform, [Role.REVIEWER], unit_id)

    # before the 25th the window is not open
    assert_problem(
        await submit(platform, reporter, p1, 5, figures("1000", "1000")), 409, "month", "window-not-open"
    )

    await clocked.at(2019, 5, 26, 10)
    for actor in (reporter, reviewer):
        await actor.sign_in(platform)
    month = (await platform.client.get("/api/v1/progress-reports/months/2019/5")).json()
    assert month["state"] == "open"
    r1 = (await submit(platform, reporter, p1, 5, figures("1000", "1000"))).json()
    r2 = (await submit(platform, reporter, p2, 5, figures("2000", "2000"))).json()
    r3 = (await submit(platform, reporter, p3, 5, figures("3000", "3000"))).json()
    assert not r1["late"]

    await act(platform, reviewer, r1["id"], "pass")
    await act(platform, None, r1["id"], "accept")
    returned = await act(platform, reviewer, r2["id"], "return", reason="累计数与台账不符")
    assert (returned["status"], returned["returned_reason"]) == ("returned", "累计数与台账不符")
    resubmitted = await platform.client.post(
        f"/api/v1/progress-reports/{r2['id']}/resubmit",
        json=figures("2100", "2100"),
        headers=reporter.headers,
    )
    assert resubmitted.json()["status"] == "submitted", resubmitted.text
    await act(platform, reviewer, r2["id"], "pass")
    await act(platform, None, r2["id"], "accept")
    await act(platform, None, r3["id"], "accept")
    amended = await act(platform, None, r3["id"], "amendments", completed_10k="3300", reason="漏报设备款")
    assert (amended["landed_in_next_month"], amended["delta_10k"]) == (False, "300.00")

    # two days before the window closes, the reminder names the project still missing
    await clocked.at(2019, 6, 4, 9)
    assert await run_deadlines(clocked) >= 1
    due = [e for e in await events(platform, "progress-report-due") if e["month"] == 5]
    assert len(due) == 1
    owing = [u for u in due[0]["units"] if u["unit_id"] == unit_id]
    assert owing[0]["project_ids"] == [p4]
    assert [person["name"] for person in owing[0]["liaisons"]] == ["联络员甲"]

    # after the close a report is still taken, and flagged
    await clocked.at(2019, 6, 7, 9)
    await reporter.sign_in(platform)
    late = await submit(platform, reporter, p4, 5, figures("400", "400"))
    assert late.status_code == 201 and late.json()["late"] is True
    await act(platform, None, late.json()["id"], "accept")
    assert [e["project_id"] for e in await events(platform, "progress-report-late")] == [p4]
    returned_events = await events(platform, "progress-report-returned")
    assert [(e["report_id"], e["returned_by_role"]) for e in returned_events] == [(r2["id"], "reviewer")]

    # at the cut-off the month freezes: its figures are published
    await clocked.at(2019, 6, 11, 1)
    assert await run_deadlines(clocked) >= 1
    published = await may_figures(platform)
    assert published["frozen"] is True
    by_project = {item["project_id"]: Decimal(item["completed_10k"]) for item in published["items"]}
    assert by_project == {p1: 1000, p2: 2100, p3: 3300, p4: 400}

    statistics = (await platform.client.get("/api/v1/statistics/2019/units", params={"month": 5})).json()
    [unit_row] = [row for row in statistics["rows"] if row["id"] == unit_id]
    assert (unit_row["completed_year_to_date_10k"], statistics["frozen"]) == ("6800.00", True)

    # a correction after the freeze: May stays as published, the difference lands in June
    after = await act(platform, None, r1["id"], "amendments", completed_10k="1500", reason="补报 5 月设备款")
    assert (after["landed_in_next_month"], after["lands_month"], after["applied_report_id"]) == (
        True,
        6,
        None,
    )
    assert await may_figures(platform) == published
    assert await may_statistics(platform) == statistics
    assert (await platform.client.get(f"/api/v1/progress-reports/{r1['id']}")).json()[
        "completed_10k"
    ] == "1000.00"
    refused = await act_raw(platform, r2["id"], "accept")
    assert refused.status_code == 409

    await clocked.at(2019, 6, 26, 9)
    await reporter.sign_in(platform)
    wrong = await submit(platform, reporter, p1, 6, figures("800", "1800"))
    assert_problem(wrong, 409, "cumulative_10k", "matches-history")
    june = await submit(platform, reporter, p1, 6, figures("800", "2300"))
    assert june.status_code == 201, june.text
    assert june.json()["adjustment_10k"] == "500.00"
    await act(platform, None, june.json()["id"], "accept")
    reported = [e for e in await events(platform, "progress-reported") if e["report_id"] == june.json()["id"]]
    assert reported[-1]["adjustment_10k"] == "500.00"
    assert (reported[-1]["corrected_year"], reported[-1]["corrected_month"]) == (2019, 5)
    assert reported[-1]["year_to_date_10k"] == "2300.00"
    assert await may_figures(platform) == published
    assert await may_statistics(platform) == statistics
    june = (await platform.client.get("/api/v1/statistics/2019/units", params={"month": 6})).json()
    [june_row] = [row for row in june["rows"] if row["id"] == unit_id]
    assert june_row["completed_year_to_date_10k"] == "8100.00"  # 6800, June's 800, the 500 that landed

    history = (await platform.client.get(f"/api/v1/progress-reports/{r2['id']}/history")).json()
    assert [step["action"] for step in history["steps"]] == [
        "submitted",
        "returned",
        "resubmitted",
        "passed",
        "accepted",
    ]
    assert history["steps"][1]["reason"] == "累计数与台账不符"


async def act_raw(platform: Platform, report_id: str, action: str) -> Any:
    return await platform.client.post(f"/api/v1/progress-reports/{report_id}/{action}")
