"""What people owe and watch in the web console (issue 13), in a real browser: the home page counts down in
working days what the signed-in person owes (the month's report still to file, the next joint meeting's topic
cut-off) and drops the report once it is filed; a leader sees their assigned project in red, and not another
leader's; an obstacle a unit enters in the push ledger (攻坚台帐) appears on the office's ledger, and the office's
closing of it shows to the unit.

Same platform and Chromium as test_web_console.py (its fixtures, a platform of this module's own); the journeys
are web/e2e/journey-more.mjs, with screenshots under web/test-results/<journey>/ (a trace there on failure).
What the browser showed is checked against the public API.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from e2e import test_web_console as web_console
from e2e.test_accounts_journey import SHANGHAI, Person
from e2e.test_web_console import Console, _assert_accessible, run_journey

# The console's fixtures (the built web/dist, Chromium, the platform), registered in this module by name.
built, chromium, console = web_console.built, web_console.chromium, web_console.console
COUNTY = "汉滨区"


def _journey(console: Console, name: str, **data: Any) -> dict[str, Any]:
    return run_journey("journey-more.mjs", name, {"base": console.server.base} | data)


def _login(person: Person) -> dict[str, str]:
    return {"username": person.username, "password": person.password}


def _project(console: Console, name: str, leader_ids: list[str] | None = None) -> dict[str, Any]:
    """A new-start key project of the county, planned to start on 1 March (so red once judged unstarted)."""
    year = console.year
    response = console.journey.http.post(
        "/api/v1/projects",
        json={
            "year": year,
            "kind": "key",
            "name": f"{name}-{uuid.uuid4().hex[:4]}",
            "unit_id": console.units[COUNTY],
            "plan_category": "new-start",
            "total_investment_10k": "50000",
            "planned_investment_10k": "12000",
            "planned_by_month": ["1000"] * 12,
            "planned_start": f"{year}-03-01",
            "planned_completion": f"{year + 1}-12-31",
            "leader_ids": leader_ids or [],
        },
        headers=console.office.headers,
    )
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()
    return project


def _reporter(console: Console) -> Person:
    if "reporter" not in console.shared:
        reporter = console.journey.create_account(console.units[COUNTY], "reporter")
        console.journey.first_sign_in(reporter)
        console.shared["reporter"] = reporter
    person: Person = console.shared["reporter"]
    return person


def _working_days(console: Console, today: date, deadline: date) -> int:
    """Working days after today up to and including the deadline's day, by the API's working-day calendar."""
    calendars: dict[int, dict[str, Any]] = {}
    for year in range(today.year, deadline.year + 1):
        response = console.journey.http.get(f"/api/v1/calendar/{year}", headers=console.office.headers)
        assert response.status_code == 200, response.text
        calendars[year] = response.json()
    count, day = 0, today
    while day < deadline:
        day += timedelta(days=1)
        calendar = calendars[day.year]
        iso = day.isoformat()
        weekday = day.weekday() < 5
        if (weekday and iso not in calendar["days_off"]) or (
            not weekday and iso in calendar["working_weekends"]
        ):
            count += 1
    return count


def _countdown(console: Console, now: datetime, deadline: datetime) -> str:
    """The words the console shows for a deadline (lib/workdays countdown), while it is still ahead."""
    assert deadline > now, (now, deadline)
    days = _working_days(console, now.date(), deadline.astimezone(SHANGHAI).date())
    return "今天截止" if days == 0 else f"还剩 {days} 个工作日"


def _meeting_taking_topics(console: Console, days_ahead: int = 24) -> dict[str, Any]:
    """The city's joint meeting `days_ahead` days ahead, its topic collection opened by the office: D-10 is 10
    days before it."""
    http, office = console.journey.http, console.office.headers
    bodies = http.get("/api/v1/meeting-bodies", headers=office).json()["items"]
    city = next(body for body in bodies if body["level"] == "city")
    held_on = datetime.now(SHANGHAI).date() + timedelta(days=days_ahead)
    created = http.post(
        "/api/v1/meetings",
        json={
            "body_id": city["id"],
            "title": f"重点项目建设联席会议（{held_on.month}月{held_on.day}日）",
            "held_on": held_on.isoformat(),
            "location": "市政府第一会议室",
            "topic_days": 10,
            "agenda_days": 7,
            "circulation_days": 3,
        },
        headers=office,
    )
    assert created.status_code == 201, created.text
    meeting: dict[str, Any] = created.json()
    opened = http.post(f"/api/v1/meetings/{meeting['id']}/open-topics", headers=office)
    assert opened.status_code == 200, opened.text
    assert opened.json()["state"] == "collecting_topics", opened.text
    return meeting


def test_the_reporters_home_counts_down_the_unfiled_report_and_the_topic_cut_off_and_drops_the_filed_report(
    console: Console,
) -> None:
    project = _project(console, "汉滨区月河综合治理工程")
    year, month = console.journey.open_this_month()
    meeting = _meeting_taking_topics(console)
    reporter = _reporter(console)
    http, office = console.journey.http, console.office.headers
    window = http.get(f"/api/v1/progress-reports/months/{year}/{month}", headers=office).json()
    now = datetime.now(SHANGHAI)
    result = _journey(
        console,
        "reporter-home-counts-down",
        reporter=_login(reporter),
        project_name=project["name"],
        meeting_title=meeting["title"],
        completed="650",
    )
    _assert_accessible(result)
    before = {row["what"]: row["countdown"] for row in result["before"]}
    report_row = f"填报「{project['name']}」{year}年{month}月月报"
    assert before[report_row] == _countdown(console, now, datetime.fromisoformat(window["closes_at"])), before
    topics_close = datetime.fromisoformat(meeting["deadlines"]["topics_close_at"]) - timedelta(microseconds=1)
    topic_rows = [what for what in before if what.startswith(f"「{meeting['title']}」议题报送截止")]
    assert len(topic_rows) == 1, before
    assert before[topic_rows[0]] == _countdown(console, now, topics_close), before
    # soonest first: the report window closes in a week, the topics in two
    assert list(before).index(report_row) < list(before).index(topic_rows[0])
    after = {row["what"] for row in result["after"]}
    assert report_row not in after and not any(project["name"] in what for what in after), after
    assert topic_rows[0] in after  # still owed: no topic sent
    reports = http.get(
        f"/api/v1/projects/{project['id']}/progress-reports", params={"year": year}, headers=office
    ).json()["items"]
    assert [(r["month"], r["completed_10k"], r["status"]) for r in reports] == [
        (month, "650.00", "submitted")
    ]


def test_a_leader_sees_their_assigned_project_in_red_and_not_another_leaders(console: Console) -> None:
    http, admin, office = console.journey.http, console.journey.admin.headers, console.office.headers
    username = f"leader-{uuid.uuid4().hex[:6]}"
    created = http.post(
        "/api/v1/accounts",
        json={"username": username, "display_name": "副市长 王强", "unit_id": None, "roles": ["leader"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    account = Person(username, created.json()["initial_password"])
    console.journey.first_sign_in(account)
    leaders = {}
    for name, user_id in (("王强", created.json()["id"]), ("赵刚", None)):
        response = http.post(
            "/api/v1/leaders",
            json={"name": name, "title": "副市长", "level": "city", "user_id": user_id},
            headers=office,
        )
        assert response.status_code == 201, response.text
        leaders[name] = response.json()["id"]
    mine = _project(console, "汉滨区高铁站前广场", [leaders["王强"]])
    theirs = _project(console, "汉滨区物流园", [leaders["赵刚"]])
    now = datetime.now(SHANGHAI)
    judged = http.post(f"/api/v1/early-warning/{now.year}/{now.month}/evaluate", headers=office)
    assert judged.status_code == 200, judged.text
    colours = {
        w["project_id"]: w
        for w in http.get(f"/api/v1/early-warning/{now.year}/projects", headers=office).json()
    }
    assert colours[mine["id"]]["colour"] == colours[theirs["id"]]["colour"] == "red"

    result = _journey(console, "leader-sees-red", leader=_login(account))
    _assert_accessible(result)
    assert result["leader"].startswith("包抓领导：王强（副市长）"), result["leader"]
    assert len(result["red"]) == 1, result["red"]
    assert mine["name"] in result["red"][0] and COUNTY in result["red"][0]
    assert f"计划开工日期 {now.year}-03-01 已过仍未开工" in result["red"][0], result["red"][0]
    assert result["assigned"] == [{"name": mine["name"], "colour": "红色预警"}]
    seen = http.get("/api/v1/projects", params={"year": now.year}, headers=account.headers).json()["items"]
    assert [p["id"] for p in seen] == [mine["id"]]


def test_the_convener_sees_the_agenda_awaiting_approval_and_reaches_the_approvals_page(
    console: Console,
) -> None:
    http, admin, office = console.journey.http, console.journey.admin.headers, console.office.headers
    username = f"convener-{uuid.uuid4().hex[:6]}"
    created = http.post(
        "/api/v1/accounts",
        json={"username": username, "display_name": "市长 张明", "unit_id": None, "roles": ["convener"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    convener = Person(username, created.json()["initial_password"])
    console.journey.first_sign_in(convener)
    meeting = _meeting_taking_topics(console, days_ahead=25)
    closed = http.post(f"/api/v1/meetings/{meeting['id']}/close-topics", headers=office)
    assert closed.status_code == 200, closed.text
    submitted = http.post(
        f"/api/v1/meetings/{meeting['id']}/agenda/submit",
        json={"office_notes": "建议由市自然资源局牵头督导征迁。"},
        headers=office,
    )
    assert submitted.status_code == 200, submitted.text
    waiting = http.get("/api/v1/meetings", params={"state": "awaiting_approval"}, headers=convener.headers)
    titles = [m["title"] for m in waiting.json()["items"]]
    assert meeting["title"] in titles

    now = datetime.now(SHANGHAI)
    result = _journey(
        console, "convener-sees-agendas", convener=_login(convener), meeting_title=meeting["title"]
    )
    _assert_accessible(result)
    home = {row["what"]: row["countdown"] for row in result["home"]}
    approval_due = datetime.fromisoformat(submitted.json()["deadlines"]["approval_due_at"])
    assert home[f"审定「{meeting['title']}」议程"] == _countdown(console, now, approval_due), home
    assert len(result["awaiting"]) == len(titles)
    shown = next(line for line in result["awaiting"] if meeting["title"] in line)
    held_on = date.fromisoformat(meeting["held_on"])
    assert f"{held_on.year}年{held_on.month}月{held_on.day}日" in shown and "前审定" in shown, shown
    assert result["assigned_shown"] == 0  # a convener who is not a leader has no assigned projects
    assert any(meeting["title"] in title for title in result["approvals"]), result["approvals"]


def test_an_obstacle_a_unit_enters_reaches_the_office_and_its_closing_shows_to_the_unit(
    console: Console,
) -> None:
    project = _project(console, "汉滨区江北安置小区")
    reporter = _reporter(console)
    http, office = console.journey.http, console.office.headers
    today = datetime.now(SHANGHAI).date()
    tag = uuid.uuid4().hex[:4]
    description = f"南岸 12 户未签约，影响主体施工（{tag}）"
    action = f"市自然资源局、汉滨区联合入户协调，12 户全部签约（{tag}）"
    common = {"description": description}
    filed = _journey(
        console,
        "unit-files-an-obstacle",
        reporter=_login(reporter),
        project_name=project["name"],
        solution="请市自然资源局协助做好征迁工作",
        helper="市自然资源局",
        due_on=(today + timedelta(days=10)).isoformat(),
        **common,
    )
    _assert_accessible(filed)
    assert {"description": description, "status": "待解决"} in filed["rows"]
    entered = http.get(
        "/api/v1/ledger/obstacles", params={"project_id": project["id"]}, headers=office
    ).json()["items"]
    assert [(o["description"], o["category"], o["status"], o["due_on"]) for o in entered] == [
        (description, "land-and-demolition", "open", (today + timedelta(days=10)).isoformat())
    ]
    assert entered[0]["responsible_unit_id"] == console.units["市自然资源局"]

    closed = _journey(
        console,
        "office-closes-the-obstacle",
        office=_login(console.office),
        unit=COUNTY,
        action=action,
        **common,
    )
    _assert_accessible(closed)
    open_of_county = http.get(
        "/api/v1/ledger/obstacles",
        params={"unit_id": console.units[COUNTY], "status": "open"},
        headers=office,
    ).json()
    assert closed["total"] == f"共 {open_of_county['total'] + 1} 条"  # shown before it was resolved
    assert all(row["status"] == "待解决" for row in closed["filtered"])
    assert closed["detail_status"] == f"已解决（{today.isoformat()} 解决）"
    assert {"description": description, "status": "已解决"} in closed["after"]
    now = http.get(f"/api/v1/ledger/obstacles/{entered[0]['id']}", headers=office).json()
    assert (now["status"], now["resolved_on"]) == ("resolved", today.isoformat())
    assert [a["description"] for a in now["actions"]] == [action]

    seen = _journey(console, "unit-sees-it-resolved", reporter=_login(reporter), **common)
    _assert_accessible(seen)
    assert {"description": description, "status": "已解决"} in seen["rows"]
    assert seen["detail_status"] == f"已解决（{today.isoformat()} 解决）"
    assert seen["actions"] == [f"{today.isoformat()}：{action}"]
    assert seen["forms"] == 0  # resolved: nothing more to record or change
