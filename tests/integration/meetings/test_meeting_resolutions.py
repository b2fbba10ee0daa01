"""The meeting record and follow-up: attendance, minutes, resolutions, written feedback, the office's check,
the escalation ladder of overdue resolutions, and the follow-up report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration.meetings.meetings_driver import Meetings, held_meeting
from sqlalchemy import func, select

from gongjian_meetings.models import Resolution

pytestmark = pytest.mark.asyncio

DUE_ON = "2019-07-10"


def resolution(meetings: Meetings, **extra: Any) -> dict[str, Any]:
    return {
        "text": "汉滨区牵头、市自然资源局配合，7月10日前完成南岸征迁。",
        "lead_unit_id": meetings.units["汉滨区"],
        "supporting_unit_ids": [meetings.units["市自然资源局"]],
        "due_on": DUE_ON,
    } | extra


async def record(meetings: Meetings, meeting: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = await meetings.call(
        "POST", f"/api/v1/meetings/{meeting['id']}/resolutions", json=resolution(meetings, **extra)
    )
    assert response.status_code == 201, response.text
    recorded: dict[str, Any] = response.json()
    return recorded


async def resolution_count(meetings: Meetings) -> int:
    async with meetings.platform.context("meetings-api").sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Resolution)) or 0)


async def test_a_held_meeting_records_attendance_and_resolutions(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    assert meeting["state"] == "held"
    attendance = (
        await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/attendance", "汉滨区")
    ).json()["items"]
    assert {a["attendee"] for a in attendance} == {"汉滨区负责人", "市财政局负责人"}
    first = await record(meetings, meeting)
    second = await record(meetings, meeting, supporting_unit_ids=[], lead_unit_id=meetings.units["市财政局"])
    assert (first["number"], second["number"]) == (1, 2)
    [event, _] = await meetings.events("resolution-recorded", meeting["id"])
    assert {u["unit_name"] for u in event["payload"]["units"]} == {"汉滨区", "市自然资源局"}
    kinds = sorted(
        d.kind for d in await meetings.deadlines(meeting["id"]) if str(d.subject_id) == first["id"]
    )
    assert kinds == ["resolution-due-3d", "resolution-due-today", "resolution-overdue"]
    own = (
        await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/resolutions", "市自然资源局")
    ).json()["items"]
    assert [r["number"] for r in own] == [1]
    mine = (await meetings.call("GET", "/api/v1/resolutions", "市财政局")).json()["items"]
    assert [r["number"] for r in mine] == [2]


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"lead_unit_id": None}, "body.lead_unit_id", 422),
        # judged against the stored meeting's day: a conflict with what is stored
        ({"due_on": "2019-06-20"}, "due_on", 409),
        ({"due_on": "2019-06-01"}, "due_on", 409),
    ],
    ids=["without-lead-unit", "due-on-the-meeting-day", "due-before-the-meeting"],
)
async def test_a_bad_resolution_changes_nothing(
    meetings: Meetings, change: dict[str, Any], field: str, status: int
) -> None:
    meeting = await held_meeting(meetings)
    body = resolution(meetings, **change)
    body = {k: v for k, v in body.items() if v is not None}
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/resolutions", json=body)
    assert response.status_code == status
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert response.json()["errors"][0]["message_zh"]
    assert await resolution_count(meetings) == 0
    assert await meetings.events("resolution-recorded") == []


async def test_feedback_on_another_units_resolution_is_refused(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    recorded = await record(meetings, meeting)
    response = await meetings.call(
        "POST",
        f"/api/v1/resolutions/{recorded['id']}/feedback",
        "汉阴县",
        json={"text": "已完成", "status": "done"},
    )
    assert response.status_code == 404  # not one of its resolutions: as if there were none
    by_office = await meetings.call(
        "POST", f"/api/v1/resolutions/{recorded['id']}/feedback", json={"text": "已完成", "status": "done"}
    )
    assert by_office.status_code == 403 and by_office.json()["errors"][0]["field"] == "unit_id"
    detail = (await meetings.call("GET", f"/api/v1/resolutions/{recorded['id']}")).json()
    assert detail["feedback"] == []
    assert await meetings.events("feedback-submitted") == []
    assert (await meetings.call("GET", f"/api/v1/resolutions/{recorded['id']}", "汉阴县")).status_code == 404


async def test_feedback_checked_by_the_office_closes_the_resolution_on_time(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    recorded = await record(meetings, meeting)
    base = f"/api/v1/resolutions/{recorded['id']}"
    impossible = await meetings.call(
        "POST", f"{base}/feedback", "汉滨区", json={"text": "x", "status": "cannot-complete"}
    )
    assert impossible.status_code == 422 and impossible.json()["errors"][0]["field"] == "body"
    feedback = await meetings.call(
        "POST",
        f"{base}/feedback",
        "汉滨区",
        json={"text": "征迁已全部完成", "status": "done", "attachments": [{"name": "验收单.pdf"}]},
    )
    assert feedback.status_code == 201, feedback.text
    [event] = await meetings.events("feedback-submitted", meeting["id"])
    assert event["payload"]["status"] == "done" and event["payload"]["office"] is not None
    returned = await meetings.call(
        "POST",
        f"{base}/feedback/{feedback.json()['id']}/review",
        json={"decision": "return", "comment": "缺验收单"},
    )
    assert returned.json()["status"] == "open" and returned.json()["feedback"][0]["review"] == "returned"
    again = await meetings.call(
        "POST", f"{base}/feedback", "汉滨区", json={"text": "补充验收单", "status": "done"}
    )
    closed = await meetings.call(
        "POST", f"{base}/feedback/{again.json()['id']}/review", json={"decision": "accept"}
    )
    assert closed.json()["status"] == "closed" and closed.json()["outcome"] == "done"
    [event] = await meetings.events("resolution-closed", meeting["id"])
    assert event["payload"]["on_time"] is True
    pending = [d for d in await meetings.deadlines(meeting["id"]) if str(d.subject_id) == recorded["id"]]
    assert all(d.cancelled_at is not None for d in pending)
    await meetings.at(datetime(2019, 8, 1, tzinfo=UTC))
    assert await meetings.events("resolution-overdue") == []


async def test_an_overdue_resolution_climbs_the_escalation_ladder(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    recorded = await record(meetings, meeting)
    await meetings.at(datetime(2019, 7, 7, 1, 0, tzinfo=UTC))
    await meetings.at(datetime(2019, 7, 10, 1, 0, tzinfo=UTC))
    assert [e["payload"]["days_left"] for e in await meetings.events("resolution-due")] == [3, 0]
    day = datetime(2019, 7, 11, 1, 0, tzinfo=UTC)  # 09:00 the day after the due date
    for _ in range(5):
        await meetings.at(day)
        day += timedelta(days=3)
    overdue = await meetings.events("resolution-overdue", meeting["id"])
    assert [e["payload"]["days_overdue"] for e in overdue] == [1, 4, 7, 10, 13]
    steps = await meetings.events("resolution-escalated", meeting["id"])
    assert [e["payload"]["level"] for e in steps] == ["reminder", "urging", "supervision", "convener-report"]
    assert steps[-1]["payload"]["convener"]["name"] == "召集人"
    assert {u["unit_name"] for u in steps[0]["payload"]["units"]} == {"汉滨区", "市自然资源局"}
    detail = (await meetings.call("GET", f"/api/v1/resolutions/{recorded['id']}")).json()
    assert [e["level"] for e in detail["escalations"]] == [
        "reminder",
        "urging",
        "supervision",
        "convener-report",
    ]
    actions = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions")).json()["items"]
    assert [a["actor_name"] for a in actions if a["action"].startswith("resolution-escalated")] == [
        "scheduler"
    ] * 4
    # one unit has reported completion: the next reminders name only the other
    await meetings.call(
        "POST",
        f"/api/v1/resolutions/{recorded['id']}/feedback",
        "汉滨区",
        json={"text": "完成", "status": "done"},
    )
    await meetings.at(day)
    assert [
        u["unit_name"] for u in (await meetings.events("resolution-overdue"))[-1]["payload"]["units"]
    ] == ["市自然资源局"]


async def test_follow_up_report_minutes_and_closing(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    base = f"/api/v1/meetings/{meeting['id']}"
    done = await record(meetings, meeting, due_on="2019-06-25")
    await record(meetings, meeting, due_on="2019-06-24")
    feedback = await meetings.call(
        "POST",
        f"/api/v1/resolutions/{done['id']}/feedback",
        "汉滨区",
        json={"text": "完成", "status": "done"},
    )
    await meetings.call(
        "POST",
        f"/api/v1/resolutions/{done['id']}/feedback/{feedback.json()['id']}/review",
        json={"decision": "accept"},
    )
    await meetings.at(datetime(2019, 6, 26, 2, 0, tzinfo=UTC))
    report = (await meetings.call("GET", f"{base}/follow-up-report", "convener")).json()
    assert (report["total"], report["done"], report["done_on_time"], report["done_late"]) == (2, 1, 1, 0)
    assert (report["open"], report["open_overdue"]) == (1, 1)
    assert (await meetings.call("GET", f"{base}/follow-up-report", "汉滨区")).status_code == 403
    assert (await meetings.call("POST", f"{base}/minutes/publish")).status_code == 422
    await meetings.update("PUT", f"{base}/minutes", etag_of=base, json={"text": "会议议定事项如下……"})
    assert (await meetings.call("GET", f"{base}/minutes", "汉阴县")).status_code == 404
    published = await meetings.call("POST", f"{base}/minutes/publish")
    assert published.json()["state"] == "minutes_published"
    assert (await meetings.call("GET", f"{base}/minutes", "汉阴县")).json()["text"].startswith("会议议定事项")
    refused = await meetings.call("POST", f"{base}/close")
    assert refused.status_code == 409 and refused.json()["type"] == "/problems/resolutions-open"


async def test_the_office_escalates_an_overdue_resolution_now(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    recorded = await record(meetings, meeting)
    path = f"/api/v1/resolutions/{recorded['id']}/escalate"
    early = await meetings.call("POST", path, json={"level": "reminder"})
    assert early.status_code == 409 and early.json()["type"] == "/problems/resolution-not-overdue"
    assert DUE_ON in early.json()["detail"] and early.json()["title_zh"]
    # 08:00 the day after the due date: overdue, and the overdue row (09:00) not yet due
    await meetings.at(datetime(2019, 7, 11, 0, 0, tzinfo=UTC))
    assert (await meetings.call("POST", path, "汉滨区", json={"level": "reminder"})).status_code == 403
    assert (await meetings.call("POST", path, "汉阴县", json={"level": "reminder"})).status_code == 404
    skipping = await meetings.call("POST", path, json={"level": "urging"})
    assert skipping.status_code == 409 and skipping.json()["allowed"] == ["reminder"]
    assert await meetings.events("resolution-escalated") == []
    first = await meetings.call("POST", path, json={"level": "reminder", "reason": "电话催促无果"})
    assert first.status_code == 200, first.text
    assert [(e["step"], e["level"], e["days_overdue"]) for e in first.json()["escalations"]] == [
        (1, "reminder", 1)
    ]
    again = await meetings.call("POST", path, json={"level": "reminder"})
    assert again.status_code == 200 and again.json() == first.json()
    [event] = await meetings.events("resolution-escalated", meeting["id"])
    payload = event["payload"]
    assert (payload["step"], payload["level"], payload["days_overdue"]) == (1, "reminder", 1)
    assert {u["unit_name"] for u in payload["units"]} == {"汉滨区", "市自然资源局"}
    assert payload["office"] is not None and payload["convener"] is None
    # the overdue row at 09:00 takes the next step up the same ladder
    await meetings.at(datetime(2019, 7, 11, 1, 0, tzinfo=UTC))
    steps = await meetings.events("resolution-escalated", meeting["id"])
    assert [e["payload"]["level"] for e in steps] == ["reminder", "urging"]
    actions = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions")).json()["items"]
    escalated = [a for a in actions if a["action"].startswith("resolution-escalated")]
    assert [(a["action"], a["actor_name"]) for a in escalated] == [
        ("resolution-escalated-reminder", "office"),
        ("resolution-escalated-urging", "scheduler"),
    ]
    assert escalated[0]["detail"]["reason"] == "电话催促无果"
    # a closed resolution escalates no more
    base = f"/api/v1/resolutions/{recorded['id']}"
    for who in ("汉滨区", "市自然资源局"):
        feedback = await meetings.call(
            "POST", f"{base}/feedback", who, json={"text": "完成", "status": "done"}
        )
        assert feedback.status_code == 201, feedback.text
    await meetings.call(
        "POST", f"{base}/feedback/{feedback.json()['id']}/review", json={"decision": "accept"}
    )
    closed = await meetings.call("POST", path, json={"level": "supervision"})
    assert closed.status_code == 409 and closed.json()["type"] == "/problems/resolution-closed"
    assert len(await meetings.events("resolution-escalated", meeting["id"])) == 2
