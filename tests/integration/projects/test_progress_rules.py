"""The rules of monthly reports: bad figures and months are refused, nothing changes; who may do what;
the reporting window is settable; deadlines fire once even with two schedulers."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import account, assert_problem, count, events, register, unit_ids

from gongjian_projects.reporting.jobs import run_due_deadlines
from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI
from support.platform import Platform

pytestmark = pytest.mark.asyncio


def report(month: int, completed: str, cumulative: str, **extra: Any) -> dict[str, Any]:
    return {
        "year": 2019,
        "month": month,
        "completed_10k": completed,
        "cumulative_10k": cumulative,
        "physical_progress": "施工中",
        "image_progress_percent": "10",
    } | extra


async def written(platform: Platform) -> tuple[int, int]:
    return (
        await count(platform, "SELECT count(*) FROM projects.progress_reports"),
        await count(platform, "SELECT count(*) FROM projects.outbox"),
    )


async def test_a_submission_reads_its_month_and_never_opens_it(clocked: Clocked) -> None:
    """A month nobody opened yet: the report is judged by the default window (late after its close), and
    neither the month's row nor its deadlines appear; the month's job or the office opens months."""
    platform = clocked.platform
    await clocked.at(2019, 8, 2, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["汉滨区"])
    months = "SELECT count(*) FROM projects.reporting_months"
    deadlines = "SELECT count(*) FROM projects.deadlines"
    opened = (await count(platform, months), await count(platform, deadlines))
    url = f"/api/v1/projects/{project['id']}/progress-reports"
    assert_problem(
        await platform.client.post(url, json=report(8, "10", "10")), 409, "month", "window-not-open"
    )
    on_time = await platform.client.post(url, json=report(7, "10", "10"))  # July's window closes 6 August
    late = await platform.client.post(url, json=report(5, "5", "5"))  # May's closed on 6 June
    assert (on_time.status_code, on_time.json()["late"]) == (201, False), on_time.text
    assert (late.status_code, late.json()["late"]) == (201, True), late.text
    [late_event] = [
        e for e in await events(platform, "progress-report-late") if e["project_id"] == project["id"]
    ]
    closed = datetime.fromisoformat(late_event["window_closed_at"].replace("Z", "+00:00"))
    assert closed == datetime(2019, 6, 6, tzinfo=SHANGHAI)
    assert (await count(platform, months), await count(platform, deadlines)) == opened


async def test_a_retried_submission_with_its_key_answers_the_first_report_and_writes_once(
    clocked: Clocked,
) -> None:
    """The submit writes its report, review step and late event in one statement: a retry with the same
    Idempotency-Key replays the first answer and writes nothing more; the key on another body is refused."""
    platform = clocked.platform
    await clocked.at(2019, 8, 2, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["汉滨区"])
    url = f"/api/v1/projects/{project['id']}/progress-reports"
    headers = {"Idempotency-Key": f"report-{project['id']}"}
    reports = "SELECT count(*) FROM projects.progress_reports WHERE project_id = :project"
    steps = (
        "SELECT count(*) FROM projects.progress_report_steps s JOIN projects.progress_reports r ON r.id = s.report_id "
        "WHERE r.project_id = :project"
    )

    first = await platform.client.post(url, json=report(5, "5", "5"), headers=headers)  # May's window closed
    again = await platform.client.post(url, json=report(5, "5", "5"), headers=headers)
    assert first.status_code == 201 and first.json()["late"] is True, first.text
    assert (again.status_code, again.json()) == (201, first.json())
    assert await count(platform, reports, project=project["id"]) == 1
    assert await count(platform, steps, project=project["id"]) == 1
    late = [e for e in await events(platform, "progress-report-late") if e["project_id"] == project["id"]]
    assert [e["report_id"] for e in late] == [first.json()["id"]]

    other = await platform.client.post(url, json=report(6, "5", "10"), headers=headers)
    assert_problem(other, 409, "Idempotency-Key", "reused")
    assert await count(platform, reports, project=project["id"]) == 1


async def test_bad_reports_are_refused_and_nothing_changes(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 26, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["汉滨区"], total_investment_10k="5000")
    prephase = await register(platform, units["汉滨区"], kind="prephase")
    url = f"/api/v1/projects/{project['id']}/progress-reports"
    assert (await platform.client.post(url, json=report(4, "100", "100"))).status_code == 201
    assert (await platform.client.post(url, json=report(6, "100", "200"))).status_code == 201
    before = await written(platform)
    cases = [
        (report(7, "10", "210"), 409, "month", "not-future"),
        (report(5, "100", "250"), 409, "cumulative_10k", "matches-history"),
        (report(5, "150", "250"), 409, "cumulative_10k", "never-decreases"),
        (report(6, "1", "201"), 409, "month", "one-per-month"),
        (report(3, "10", "5"), 409, "cumulative_10k", "not-below-month"),
        (report(5, "-1", "99"), 422, "completed_10k", "money_format"),  # no sign in the documented pattern
        (report(13, "1", "1"), 422, "month", "less_than_equal"),
        (report(5, "1", "101", colour="red"), 422, "colour", "extra_forbidden"),
    ]
    for body, status, field, rule in cases:
        assert_problem(await platform.client.post(url, json=body), status, field, rule)
    assert await written(platform) == before
    over = await platform.client.post(
        f"/api/v1/projects/{project['id']}/progress-reports", json=report(5, "100", "200")
    )
    assert over.status_code == 201  # fits between April and June
    big = await register(platform, units["汉滨区"], total_investment_10k="100")
    big_url = f"/api/v1/projects/{big['id']}/progress-reports"
    assert_problem(
        await platform.client.post(big_url, json=report(6, "150", "150")),
        409,
        "over_total_reason",
        "required-over-total",
    )
    assert (
        await platform.client.post(big_url, json=report(6, "150", "150", over_total_reason="概算调增"))
    ).status_code == 201
    assert_problem(
        await platform.client.post(
            f"/api/v1/projects/{prephase['id']}/progress-reports", json=report(6, "1", "1")
        ),
        409,
        "project_id",
        "key-project-on-plan",
    )

    # a frozen month takes no new report
    await clocked.at(2019, 7, 20, 9)
    assert (await platform.client.post("/api/v1/progress-reports/months/2019/5/freeze")).status_code == 200
    late = await register(platform, units["汉滨区"])
    frozen = await platform.client.post(
        f"/api/v1/projects/{late['id']}/progress-reports", json=report(5, "1", "1")
    )
    assert_problem(frozen, 409, "month", "month-frozen")
    still_open = await platform.client.post("/api/v1/progress-reports/months/2019/7/freeze")
    assert still_open.status_code == 409 and still_open.json()["deadline"]


async def test_who_may_review_accept_and_amend(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 5, 27, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["汉阴县"])
    reporter = await account(platform, [Role.REPORTER], units["汉阴县"])
    other_reviewer = await account(platform, [Role.REVIEWER], units["石泉县"])
    reviewer = await account(platform, [Role.REVIEWER], units["汉阴县"])
    submitted = await platform.client.post(
        f"/api/v1/projects/{project['id']}/progress-reports",
        json=report(5, "10", "10"),
        headers=reporter.headers,
    )
    report_id = submitted.json()["id"]
    assert (
        await platform.client.post(
            f"/api/v1/progress-reports/{report_id}/pass", headers=other_reviewer.headers
        )
    ).status_code == 404
    assert (
        await platform.client.post(f"/api/v1/progress-reports/{report_id}/accept", headers=reporter.headers)
    ).status_code == 403
    assert (
        await platform.client.post(f"/api/v1/progress-reports/{report_id}/pass", headers=reporter.headers)
    ).status_code == 403
    assert (
        await platform.client.post(f"/api/v1/progress-reports/{report_id}/accept", headers=reviewer.headers)
    ).status_code == 403
    amend_early = await platform.client.post(
        f"/api/v1/progress-reports/{report_id}/amendments", json={"completed_10k": "12", "reason": "x"}
    )
    assert amend_early.status_code == 409 and amend_early.json()["allowed"] == ["accepted"]
    assert (await platform.client.post(f"/api/v1/progress-reports/{report_id}/accept")).status_code == 200
    again = await platform.client.post(f"/api/v1/progress-reports/{report_id}/accept")
    assert again.status_code == 409 and again.json()["allowed"] == ["submitted", "passed"]
    no_reason = await platform.client.post(
        f"/api/v1/progress-reports/{report_id}/amendments", json={"completed_10k": "12"}
    )
    assert_problem(no_reason, 422, "reason", "missing")
    by_unit = await platform.client.post(
        f"/api/v1/progress-reports/{report_id}/amendments",
        json={"completed_10k": "12", "reason": "x"},
        headers=reporter.headers,
    )
    assert by_unit.status_code == 403
    queue = await platform.client.get(
        "/api/v1/progress-reports", params={"status": "accepted"}, headers=reviewer.headers
    )
    assert [item["id"] for item in queue.json()["items"]] == [report_id]
    assert (await platform.client.get("/api/v1/progress-reports", headers=other_reviewer.headers)).json()[
        "total"
    ] == 0


async def test_the_window_is_settable_until_the_month_freezes(clocked: Clocked) -> None:
    platform = clocked.platform
    url = "/api/v1/progress-reports/months/2019/8"
    current = await platform.client.get(url)
    assert current.json()["opens_at"].startswith("2019-08-24T16:00:00")  # the 25th, 00:00 in Shanghai
    assert current.json()["closes_at"].startswith("2019-09-05T16:00:00")  # end of 5 September
    window = {
        "opens_at": "2019-08-20T00:00:00+08:00",
        "reminder_at": "2019-09-01T00:00:00+08:00",
        "closes_at": "2019-09-03T00:00:00+08:00",
        "cut_off_at": "2019-09-08T00:00:00+08:00",
    }
    assert_problem(await platform.client.put(url, json=window), 428, "If-Match", "required")
    backwards = window | {"closes_at": "2019-08-01T00:00:00+08:00"}
    assert_problem(
        await platform.client.put(url, json=backwards, headers={"If-Match": '"1"'}),
        422,
        "body",
        "cross_field",
    )
    changed = await platform.client.put(url, json=window, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert_problem(
        await platform.client.put(url, json=window, headers={"If-Match": '"1"'}), 412, "If-Match", "stale"
    )

    # the reminder follows the new window, and two schedulers send it once
    units = await unit_ids(platform)
    await register(platform, units["紫阳县"])
    await clocked.at(2019, 9, 1, 8)
    context = platform.context("projects-api")
    ran = await asyncio.gather(
        *(run_due_deadlines(context.sessionmaker, context.outbox, clocked.clock) for _ in range(3))
    )
    assert sum(ran) >= 1
    due = [e for e in await events(platform, "progress-report-due") if e["month"] == 8]
    assert len(due) == 1
    assert due[0]["window_closes_at"].startswith("2019-09-02T16:00:00")
