"""Topics: submission until the end of D-10, the office's late acceptance, edit, merge, reject, order;
drafts from `obstacle-escalated`, suggestions from `project-behind-schedule`; closing reminders."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from integration.meetings.meetings_driver import LIAISON_UNIT, OFFICE_UNIT, Meetings
from sqlalchemy import func, select

from gongjian_meetings.models import Topic
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.projects import ObstacleEscalated, ProjectBehindSchedule
from support.platform import eventually

pytestmark = pytest.mark.asyncio

# a meeting on Thursday 20 June 2019: topics close at the end of 10 June (16:00 UTC)
HELD_ON = "2019-06-20"
CUT_OFF = datetime(2019, 6, 10, 16, 0, tzinfo=UTC)


def topic(title: str = "征迁滞后", **extra: Any) -> dict[str, Any]:
    return {
        "category": "land-and-demolition",
        "title": title,
        "description": "南岸 32 户未签约。",
        "proposed_solution": "联合督导征迁。",
        "attachments": [{"name": "情况说明.pdf", "media_type": "application/pdf", "size_bytes": 1024}],
    } | extra


async def topic_count(meetings: Meetings) -> int:
    async with meetings.platform.context("meetings-api").sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Topic)) or 0)


async def test_a_member_unit_submits_before_the_cut_off(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=topic())
    assert response.status_code == 201, response.text
    assert response.json()["late"] is False and response.json()["unit_name"] == "汉滨区"
    assert response.json()["attachments"][0]["name"] == "情况说明.pdf"
    state = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}")).json()["state"]
    assert state == "collecting_topics"
    [event] = await meetings.events("topic-submitted", meeting["id"])
    assert event["payload"]["origin"] == "unit" and event["payload"]["office"]["unit_name"] == OFFICE_UNIT
    actions = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions")).json()["items"]
    submitted = next(a for a in actions if a["action"] == "topic-submitted")
    assert submitted["actor_name"] == "汉滨区" and submitted["at"].startswith("2019-05-06")


async def test_after_the_cut_off_a_topic_is_refused_with_the_deadline(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    meetings.clock.set(CUT_OFF)  # the first instant after D-10, even before the scheduler closes it
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=topic())
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "/problems/topic-submission-closed" and problem["title_zh"]
    assert datetime.fromisoformat(problem["deadline"]) == CUT_OFF
    assert await topic_count(meetings) == 0
    assert await meetings.events("topic-submitted") == []


async def test_the_office_accepts_a_late_topic_and_it_is_marked_late(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    await meetings.at(CUT_OFF)
    assert (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}")).json()[
        "state"
    ] == "drafting_agenda"
    grant = await meetings.call(
        "POST",
        f"/api/v1/meetings/{meeting['id']}/late-acceptances",
        json={"unit_id": meetings.units["汉阴县"], "reason": "县政府常务会延期"},
    )
    assert grant.status_code == 204, grant.text
    late = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉阴县", json=topic())
    assert late.status_code == 201 and late.json()["late"] is True
    still_refused = await meetings.call(
        "POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=topic()
    )
    assert still_refused.status_code == 409
    [event] = await meetings.events("topic-submitted", meeting["id"])
    assert event["payload"]["late"] is True


async def test_a_unit_that_is_not_a_member_is_refused(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    response = await meetings.call(
        "POST", f"/api/v1/meetings/{meeting['id']}/topics", OFFICE_UNIT, json=topic()
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "unit_id" and response.json()["title_zh"]
    assert await topic_count(meetings) == 0
    assert (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}")).json()["state"] == "scheduled"


async def test_the_office_edits_merges_rejects_and_orders(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    path = f"/api/v1/meetings/{meeting['id']}/topics"
    ids = []
    for unit in ("汉滨区", "汉阴县", "石泉县"):
        project_id = await meetings.register_project(unit, f"{unit}重点项目")
        response = await meetings.call(
            "POST", path, unit, json=topic(f"{unit}议题", project_ids=[project_id])
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    assert (
        await meetings.update("PATCH", f"/api/v1/topics/{ids[0]}", "汉阴县", json={"title": "x"})
    ).status_code == 404
    assert (
        await meetings.call("POST", f"/api/v1/topics/{ids[1]}/reject", "汉阴县", json={"reason": "x"})
    ).status_code == 403
    edited = await meetings.update("PATCH", f"/api/v1/topics/{ids[0]}", json={"title": "汉江五桥征迁"})
    assert edited.json()["title"] == "汉江五桥征迁"
    merged = await meetings.call("POST", f"/api/v1/topics/{ids[1]}/merge", json={"into_topic_id": ids[0]})
    assert merged.status_code == 200 and len(merged.json()["project_ids"]) == 2
    rejected = await meetings.call(
        "POST", f"/api/v1/topics/{ids[2]}/reject", json={"reason": "非联席会议职责"}
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["rejection_reason"] == "非联席会议职责"
    bad_order = await meetings.update(
        "PUT",
        f"/api/v1/meetings/{meeting['id']}/topic-order",
        etag_of=f"/api/v1/meetings/{meeting['id']}",
        json={"topic_ids": ids},
    )
    # a merged topic is no longer on the agenda: a conflict with what is stored
    assert bad_order.status_code == 409 and bad_order.json()["errors"][0]["field"] == "topic_ids"
    order = await meetings.update(
        "PUT",
        f"/api/v1/meetings/{meeting['id']}/topic-order",
        etag_of=f"/api/v1/meetings/{meeting['id']}",
        json={"topic_ids": [ids[0]]},
    )
    assert [t["position"] for t in order.json()] == [1]
    own = (await meetings.call("GET", path, "汉阴县")).json()["items"]
    assert [t["status"] for t in own] == ["merged"]
    assert (await meetings.call("GET", path)).json()["total"] == 3
    assert (await meetings.call("GET", f"/api/v1/topics/{ids[0]}", "汉阴县")).status_code == 404
    actions = {
        a["action"]
        for a in (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions")).json()["items"]
    }
    assert {"topic-edited", "topic-merged", "topic-rejected", "topics-ordered"} <= actions


async def publish_to_projects(meetings: Meetings, payload: Any, key: str) -> None:
    context = meetings.platform.context("projects-api")
    async with unit_of_work(context.sessionmaker) as session:
        await context.outbox.publish(session, payload, key=key)


async def test_an_escalated_obstacle_becomes_a_draft_the_office_takes(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    project_id = uuid.uuid4()
    event = ObstacleEscalated(
        obstacle_id=uuid.uuid4(),
        project_id=project_id,
        project_name="汉江五桥",
        unit_id=uuid.UUID(meetings.units["汉滨区"]),
        category="land-and-demolition",
        description="南岸征迁受阻",
        proposed_solution=None,
        responsible_unit_id=None,
    )
    await publish_to_projects(meetings, event, str(project_id))
    await publish_to_projects(
        meetings,
        ProjectBehindSchedule(
            project_id=project_id,
            project_name="汉江五桥",
            unit_id=uuid.UUID(meetings.units["汉滨区"]),
            year=2019,
            month=4,
            completion_share_percent=Decimal("12.5"),
            benchmark_percent=Decimal("33.3"),
            colour="red",
            reason="征迁滞后",
        ),
        str(project_id),
    )

    async def consumed() -> bool:
        drafts = (await meetings.call("GET", "/api/v1/topics/drafts")).json()["items"]
        suggestions = (await meetings.call("GET", "/api/v1/topics/suggestions")).json()["items"]
        return len(drafts) == 1 and len(suggestions) == 1

    await eventually(consumed, what="the draft topic and the suggestion")
    [draft] = (await meetings.call("GET", "/api/v1/topics/drafts")).json()["items"]
    assert (
        draft["meeting_id"] == meeting["id"] and draft["origin"] == "obstacle" and draft["status"] == "draft"
    )
    assert await meetings.events("topic-submitted") == []
    taken = await meetings.call("POST", f"/api/v1/topics/{draft['id']}/accept", json={})
    assert (
        taken.status_code == 200 and taken.json()["status"] == "submitted" and taken.json()["late"] is False
    )
    [submitted] = await meetings.events("topic-submitted", meeting["id"])
    assert submitted["payload"]["origin"] == "obstacle"
    agenda = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/agenda")).json()
    assert agenda["items"][0]["figures"][0]["benchmark_percent"] == "33.30"


async def test_closing_reminders_name_the_units_without_topics(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=topic())
    await meetings.at(datetime(2019, 6, 7, 1, 0, tzinfo=UTC))  # 7 June, 09:00 in Shanghai: D-13
    [closing] = await meetings.events("topic-submission-closing", meeting["id"])
    names = {u["unit_name"] for u in closing["payload"]["units"]}
    assert closing["payload"]["days_left"] == 3 and len(names) == 36 and "汉滨区" not in names
    liaison = next(u for u in closing["payload"]["units"] if u["unit_name"] == LIAISON_UNIT)
    assert liaison["liaisons"][0]["phone"] == "0915-3211234"
    await meetings.at(datetime(2019, 6, 9, 1, 0, tzinfo=UTC))
    await meetings.at(CUT_OFF)
    assert [
        e["payload"]["days_left"] for e in await meetings.events("topic-submission-closing", meeting["id"])
    ] == [3, 1]
    [closed] = await meetings.events("topic-submission-closed", meeting["id"])
    assert closed["payload"]["topics_submitted"] == 1 and len(closed["payload"]["units_without_topics"]) == 36
    assert closed["payload"]["units"][0]["unit_name"] == OFFICE_UNIT
    assert await meetings.fire() == 0
