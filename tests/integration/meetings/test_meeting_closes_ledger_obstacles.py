"""A ledger obstacle (攻坚台帐) taken to the joint meeting closes when the resolution that took it up closes:
meetings-api names the obstacles on `resolution-closed`, projects-api's `ledger` group closes them, once."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from integration.meetings.meetings_driver import Meetings
from integration.projects.registry_support import register
from sqlalchemy import text

from gongjian_shared.clock import SHANGHAI
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.meetings import ResolutionClosed
from support.platform import eventually

pytestmark = pytest.mark.asyncio

HELD_ON = "2019-06-20"


async def obstacle(meetings: Meetings, project_id: str, description: str) -> dict[str, Any]:
    body = {"project_id": project_id, "category": "utilities", "description": description}
    response = await meetings.platform.client.post("/api/v1/ledger/obstacles", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def read(meetings: Meetings, obstacle_id: str) -> dict[str, Any]:
    response = await meetings.call("GET", f"/api/v1/ledger/obstacles/{obstacle_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def take_up(meetings: Meetings, meeting: dict[str, Any], obstacle_id: str) -> str:
    """Escalate the obstacle; the office takes its draft topic onto the meeting."""
    escalated = await meetings.platform.client.post(
        f"/api/v1/ledger/obstacles/{obstacle_id}/escalate", json={}
    )
    assert escalated.status_code == 200, escalated.text

    async def drafted() -> bool:
        drafts = (await meetings.call("GET", "/api/v1/topics/drafts")).json()["items"]
        return any(d["obstacle_id"] == obstacle_id for d in drafts)

    await eventually(drafted, what="the obstacle's draft topic")
    drafts = (await meetings.call("GET", "/api/v1/topics/drafts")).json()["items"]
    [draft] = [d for d in drafts if d["obstacle_id"] == obstacle_id]
    assert draft["meeting_id"] == meeting["id"] and draft["title"].endswith("水电路气问题")
    taken = await meetings.call("POST", f"/api/v1/topics/{draft['id']}/accept", json={})
    assert taken.status_code == 200, taken.text
    return str(draft["id"])


async def hold(meetings: Meetings, meeting: dict[str, Any]) -> None:
    base = f"/api/v1/meetings/{meeting['id']}"
    day = datetime.fromisoformat(HELD_ON).replace(tzinfo=SHANGHAI)
    await meetings.at(day - timedelta(days=9))
    for who, step in (("office", "submit"), ("convener", "approve"), ("office", "circulate")):
        response = await meetings.call(
            "POST", f"{base}/agenda/{step}", who, json={} if step == "submit" else None
        )
        assert response.status_code == 200, response.text
    await meetings.at(day + timedelta(hours=10))
    attendance = [{"unit_id": meetings.units["汉滨区"], "attendee": "汉滨区负责人"}]
    response = await meetings.call("POST", f"{base}/hold", json={"attendance": attendance})
    assert response.status_code == 200, response.text


async def record(
    meetings: Meetings, meeting: dict[str, Any], project_id: str, topic_id: str, text: str
) -> str:
    """The held meeting records a resolution on the topic; returns the resolution's id."""
    recorded = await meetings.call(
        "POST",
        f"/api/v1/meetings/{meeting['id']}/resolutions",
        json={
            "text": text,
            "lead_unit_id": meetings.units["汉滨区"],
            "supporting_unit_ids": [],
            "due_on": "2019-07-10",
            "project_ids": [project_id],
            "topic_ids": [topic_id],
        },
    )
    assert recorded.status_code == 201, recorded.text
    return str(recorded.json()["id"])


async def consumed_by_ledger(meetings: Meetings, event_id: str) -> None:
    async def applied() -> bool:
        async with meetings.platform.context("projects-api").sessionmaker() as session:
            found = await session.scalar(
                text("SELECT count(*) FROM projects.inbox WHERE group_id LIKE '%ledger' AND event_id = :id"),
                {"id": event_id},
            )
        return bool(found)

    await eventually(applied, what=f"event {event_id} applied by projects-api's ledger group")


async def test_closing_the_resolution_closes_the_obstacle_it_took_up(meetings: Meetings) -> None:
    platform = meetings.platform
    meeting = await meetings.ad_hoc(HELD_ON)
    project = await register(platform, meetings.units["汉滨区"], name="汉江五桥")
    taken = await obstacle(meetings, project["id"], "施工用电未接入")
    untouched = await obstacle(meetings, project["id"], "供水管网未接通")
    topic_id = await take_up(meetings, meeting, taken["id"])
    await hold(meetings, meeting)

    resolution_id = await record(
        meetings, meeting, project["id"], topic_id, "国网安康供电公司 7 月 10 日前完成施工用电接入。"
    )
    base = f"/api/v1/resolutions/{resolution_id}"
    feedback = await meetings.call(
        "POST", f"{base}/feedback", "汉滨区", json={"text": "施工用电已接入", "status": "done"}
    )
    assert feedback.status_code == 201, feedback.text
    assert (await read(meetings, taken["id"]))["status"] == "escalated", "feedback alone closes nothing"
    await meetings.at(datetime(2019, 6, 28, 9, tzinfo=SHANGHAI))
    closed = await meetings.call(
        "POST", f"{base}/feedback/{feedback.json()['id']}/review", json={"decision": "accept"}
    )
    assert closed.json()["status"] == "closed", closed.text
    [event] = await meetings.events("resolution-closed", meeting["id"])
    assert event["payload"]["obstacle_ids"] == [taken["id"]] and event["payload"]["outcome"] == "done"

    async def resolved() -> bool:
        return (await read(meetings, taken["id"]))["status"] == "resolved"

    await eventually(resolved, what="the obstacle closed by its resolution")
    after = await read(meetings, taken["id"])
    assert (after["resolved_on"], after["closed_by_resolution_id"]) == ("2019-06-28", resolution_id)
    assert (await read(meetings, untouched["id"]))["status"] == "open", "an obstacle no resolution took up"

    # the same closing delivered again (a replayed or duplicated event) changes nothing
    again = ResolutionClosed.model_validate(event["payload"])
    context = platform.context("meetings-api")
    async with unit_of_work(context.sessionmaker) as session:
        envelope = await context.outbox.publish(session, again, key=meeting["id"])
    await consumed_by_ledger(meetings, str(envelope.event_id))
    assert await read(meetings, taken["id"]) == after
    unknown = ResolutionClosed.model_validate(event["payload"] | {"obstacle_ids": [str(uuid.uuid4())]})
    async with unit_of_work(context.sessionmaker) as session:
        envelope = await context.outbox.publish(session, unknown, key=meeting["id"])
    await consumed_by_ledger(meetings, str(envelope.event_id))


async def test_a_resolution_closed_as_cannot_complete_hands_the_obstacle_back(meetings: Meetings) -> None:
    platform = meetings.platform
    meeting = await meetings.ad_hoc(HELD_ON)
    project = await register(platform, meetings.units["汉滨区"], name="汉江六桥")
    taken = await obstacle(meetings, project["id"], "征地拆迁未完成")
    topic_id = await take_up(meetings, meeting, taken["id"])
    await hold(meetings, meeting)
    resolution_id = await record(
        meetings, meeting, project["id"], topic_id, "汉滨区 7 月 10 日前完成征地拆迁。"
    )
    base = f"/api/v1/resolutions/{resolution_id}"
    feedback = await meetings.call(
        "POST",
        f"{base}/feedback",
        "汉滨区",
        json={"text": "群众诉求未达成一致", "status": "cannot-complete", "reason": "补偿标准争议"},
    )
    assert feedback.status_code == 201, feedback.text
    await meetings.at(datetime(2019, 6, 28, 9, tzinfo=SHANGHAI))
    closed = await meetings.call(
        "POST", f"{base}/feedback/{feedback.json()['id']}/review", json={"decision": "accept"}
    )
    assert closed.json()["status"] == "closed", closed.text
    [event] = await meetings.events("resolution-closed", meeting["id"])
    assert event["payload"]["outcome"] == "cannot-complete"

    async def handed_back() -> bool:
        return (await read(meetings, taken["id"]))["status"] == "in-progress"

    await eventually(handed_back, what="the obstacle handed back to its unit")
    after = await read(meetings, taken["id"])
    assert after["resolved_on"] is None and after["closed_by_resolution_id"] is None
    [action] = after["actions"]
    assert action["resolution_id"] == resolution_id and action["actor_id"] is None
    assert "无法完成" in action["description"] and "cannot be completed" in action["description"]

    # the same closing delivered again records nothing more; the unit may take the obstacle to a later meeting
    again = ResolutionClosed.model_validate(event["payload"])
    context = platform.context("meetings-api")
    async with unit_of_work(context.sessionmaker) as session:
        envelope = await context.outbox.publish(session, again, key=meeting["id"])
    await consumed_by_ledger(meetings, str(envelope.event_id))
    assert await read(meetings, taken["id"]) == after
    escalated = await meetings.call("POST", f"/api/v1/ledger/obstacles/{taken['id']}/escalate", json={})
    assert escalated.status_code == 200, escalated.text
