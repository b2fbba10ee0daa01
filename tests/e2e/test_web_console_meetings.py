"""The web console's joint-meeting journey (issue 13, journey 4) in a real browser: Debian's Chromium driven by
playwright-core, against `gongjian dev` on a clock moved by a file (GONGJIAN_DEV_CLOCK_FILE), so one meeting
goes from its topic cut-off (D-10) to meeting day D within the test.

The meeting, the accounts and the project are set up through the public API; web/e2e/journey-meetings.mjs walks
the screens (screenshots under web/test-results/joint-meeting/, a trace there when it fails) and answers what it
saw; this module checks that against the API and asserts no serious or critical axe-core violation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from e2e.test_accounts_journey import ADMIN_PASSWORD, SHANGHAI, Journey, Person
from e2e.test_dev_platform import DevServer
from e2e.test_web_console import (  # noqa: F401 (fixtures)
    OUTPUT,
    WEB,
    _assert_accessible,
    _office_account,
    built,
    chromium,
    run_journey,
)

NAME = "joint-meeting"
COUNTY = "汉滨区"


@dataclass
class MeetingConsole:
    server: DevServer
    journey: Journey
    clock_file: Path
    monday: date
    units: dict[str, str]
    office: Person


def _first_monday_a_week_ahead() -> date:
    """A Monday 8 to 14 days ahead: the platform's clock only moves forward from the wall clock."""
    today = datetime.now(SHANGHAI).date()
    return today + timedelta(days=7 - today.weekday() + 7)


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).isoformat()


@pytest.fixture(scope="module")
def console(
    built: Path,  # noqa: F811
    chromium: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[MeetingConsole]:
    state = tmp_path_factory.mktemp("web-console-meetings")
    clock_file = state / "clock"
    monday = _first_monday_a_week_ahead()
    clock_file.write_text(_at(monday, 9))
    server = DevServer(
        state, {"GONGJIAN_ADMIN_PASSWORD": ADMIN_PASSWORD, "GONGJIAN_DEV_CLOCK_FILE": str(clock_file)}
    )
    try:
        server.wait_healthy()
        assert "web console: http" in server.log.read_text(), server.log.read_text()[-2000:]
        journey = Journey(server.base)
        yield MeetingConsole(server, journey, clock_file, monday, journey.units(), _office_account(journey))
    finally:
        if server.process.poll() is None:
            server.stop()


def _account(console: MeetingConsole, role: str, unit_id: str | None, name: str) -> tuple[Person, str]:
    username = f"{role}-{uuid.uuid4().hex[:6]}"
    created = console.journey.http.post(
        "/api/v1/accounts",
        json={"username": username, "display_name": name, "unit_id": unit_id, "roles": [role]},
        headers=console.journey.admin.headers,
    )
    assert created.status_code == 201, created.text
    person = Person(username, created.json()["initial_password"])
    console.journey.first_sign_in(person)
    return person, created.json()["id"]


def _city_body(console: MeetingConsole, convener_id: str) -> dict[str, Any]:
    """The city's joint meeting, with the convener's account named on it."""
    http, office = console.journey.http, console.office.headers
    bodies = http.get("/api/v1/meeting-bodies", headers=office).json()["items"]
    city = next(body for body in bodies if body["level"] == "city")
    current = http.get(f"/api/v1/meeting-bodies/{city['id']}", headers=office)
    updated = http.patch(
        f"/api/v1/meeting-bodies/{city['id']}",
        json={"convener": {"name": "市长 张明"}, "convener_user_id": convener_id},
        headers=office | {"If-Match": current.headers["ETag"]},
    )
    assert updated.status_code == 200, updated.text
    body: dict[str, Any] = updated.json()
    return body


def _meeting(console: MeetingConsole, body_id: str, held_on: date) -> dict[str, Any]:
    """A meeting on Thursday D with the regular windows: topics to D-10, agenda to D-7, circulated at D-3."""
    response = console.journey.http.post(
        "/api/v1/meetings",
        json={
            "body_id": body_id,
            "title": f"重点项目建设联席会议（{held_on.month}月）",
            "held_on": held_on.isoformat(),
            "location": "市政府第一会议室",
            "topic_days": 10,
            "agenda_days": 7,
            "circulation_days": 3,
        },
        headers=console.office.headers,
    )
    assert response.status_code == 201, response.text
    meeting: dict[str, Any] = response.json()
    return meeting


def actions_of(http: Any, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = http.get(f"{path}/actions", headers=headers, params={"limit": 500}).json()[
        "items"
    ]
    return items


def _run(console: MeetingConsole, data: dict[str, Any]) -> dict[str, Any]:
    inputs = {"base": console.server.base, "clock_file": str(console.clock_file)} | data
    return run_journey("journey-meetings.mjs", NAME, inputs, timeout=420)


def test_a_topic_in_time_and_one_refused_the_agenda_approved_and_circulated_a_resolution_answered(
    console: MeetingConsole,
) -> None:
    monday = console.monday
    held_on = monday + timedelta(days=17)  # Thursday; D-10 is the Monday after `monday`
    convener, convener_id = _account(console, "convener", None, "市长 张明")
    liaison, _ = _account(console, "liaison", console.units[COUNTY], "汉滨区 联络员 李四")
    body = _city_body(console, convener_id)
    meeting = _meeting(console, body["id"], held_on)
    topic = {
        "title": "汉江五桥南岸征迁滞后",
        "description": "南岸 32 户未签约，影响主墩施工。",
        "solution": "请市自然资源局、汉滨区联合督导征迁。",
    }
    late_topic = {
        "title": "城东污水厂用电增容",
        "description": "需增容 2000 千伏安。",
        "solution": "请供电公司支持。",
    }
    resolution = {
        "text": "汉滨区牵头，市自然资源局配合，两周内完成南岸征迁。",
        "due_on": (held_on + timedelta(days=14)).isoformat(),
    }
    second_resolution = {
        "text": "市供电公司配合汉滨区，次日完成城东污水厂临时用电接入。",
        "due_on": (held_on + timedelta(days=1)).isoformat(),
    }
    feedback = "南岸 32 户已全部签约，主墩已进场施工。"
    people = {
        name: {"username": person.username, "password": person.password}
        for name, person in (("office", console.office), ("convener", convener), ("liaison", liaison))
    }
    result = _run(
        console,
        people
        | {
            "times": {
                "before_cutoff": _at(monday, 10),
                "after_cutoff": _at(monday + timedelta(days=8), 10),
                "meeting_day": _at(held_on, 15),
                # the second resolution a day overdue: its first overdue reminder fired, the next not yet
                "overdue": _at(held_on + timedelta(days=3), 10),
            },
            "meeting_id": meeting["id"],
            "meeting_title": meeting["title"],
            "county": COUNTY,
            "absent_unit": "市教体局",
            "topic": topic,
            "late_topic": late_topic,
            "office_notes": "建议由市自然资源局牵头督导征迁。",
            "minutes": "会议听取了汉江五桥南岸征迁情况汇报，议定如下事项。",
            "resolution": resolution,
            "second_resolution": second_resolution,
            "feedback": feedback,
        },
    )
    _assert_accessible(result)
    cutoff_day = monday + timedelta(days=7)
    # the steps shown: D-10, D-7, D-3, D on their days, counted down in working days before the cut-off
    assert "D-10" in result["steps_before"] and "D-7" in result["steps_before"], result["steps_before"]
    assert f"{cutoff_day.year}年{cutoff_day.month}月{cutoff_day.day}日" in result["steps_before"]
    assert "还剩 5 个工作日" in result["steps_before"], result["steps_before"]
    # the refusal, in the API's Chinese words, with the deadline
    assert result["refusal"].startswith("本次会议议题征集已截止：议题报送已截止，逾期报送须经办公室同意"), (
        result
    )
    assert f"截止时间：{cutoff_day.year}年{cutoff_day.month}月{cutoff_day.day}日 24:00" in result["refusal"]

    # the platform's clock is on meeting day now: the office signs in again
    console.office.token = console.journey.sign_in(console.office).json()["access_token"]
    http, office = console.journey.http, console.office.headers
    path = f"/api/v1/meetings/{meeting['id']}"
    topics = http.get(f"{path}/topics", headers=office).json()["items"]
    assert [(t["title"], t["unit_name"], t["late"], t["status"]) for t in topics] == [
        (topic["title"], COUNTY, False, "submitted")
    ]
    assert http.get(path, headers=office).json()["state"] == "minutes_published"
    agenda = http.get(f"{path}/agenda", headers=office).json()
    assert (agenda["status"], [item["title"] for item in agenda["items"]]) == ("circulated", [topic["title"]])
    actions = http.get(f"{path}/actions", headers=office, params={"limit": 500}).json()["items"]
    by = {a["action"]: a["actor_name"] for a in actions}
    assert by["agenda-approved"] == convener.username, by
    assert by["agenda-submitted"] == by["agenda-circulated"] == console.office.username, by
    attendance = http.get(f"{path}/attendance", headers=office, params={"limit": 500}).json()["items"]
    absent = [a["unit_id"] for a in attendance if not a["present"]]
    assert absent == [console.units["市教体局"]]
    assert result["attendance"].startswith(
        f"应到 {len(attendance)} 个单位，实到 {len(attendance) - 1} 个单位"
    )
    resolutions = http.get(f"{path}/resolutions", headers=office).json()["items"]
    assert [(r["text"], r["lead_unit_id"], r["due_on"], r["status"], r["outcome"]) for r in resolutions] == [
        (resolution["text"], console.units[COUNTY], resolution["due_on"], "closed", "done"),
        (second_resolution["text"], console.units[COUNTY], second_resolution["due_on"], "open", None),
    ]
    # the overdue one: reminded by the scheduler (the first rung shown), urged by the office from the console
    rungs = [rung.replace("\n", "") for rung in result["rungs_by_scheduler"]]
    assert rungs == ["提醒（已启动）"], rungs
    escalated = http.get(f"/api/v1/resolutions/{resolutions[1]['id']}", headers=office).json()
    assert [e["level"] for e in escalated["escalations"]] == ["reminder", "urging"]
    assert escalated["escalation_step"] == 2
    urged = [
        (a["action"], a["actor_name"])
        for a in actions_of(http, path, office)
        if a["action"].startswith("resolution-escalated")
    ]
    assert urged == [
        ("resolution-escalated-reminder", "scheduler"),
        ("resolution-escalated-urging", console.office.username),
    ]
    detail = http.get(f"/api/v1/resolutions/{resolutions[0]['id']}", headers=office).json()
    assert [(f["unit_id"], f["text"], f["review"]) for f in detail["feedback"]] == [
        (console.units[COUNTY], feedback, "accepted")
    ]
