"""The meeting flow as the office expects it (issue 12): opening topic collection is one step whether the office
or the first topic takes it, and opening again succeeds; the office closes collection early; rescheduling
refuses a day whose next deadline is past and reopens collection when its cut-off is ahead again; an agenda
approved at or after D-3 is circulated at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from integration.meetings.meetings_driver import OFFICE_UNIT, TOPIC, Meetings

pytestmark = pytest.mark.asyncio

# a meeting on Thursday 20 June 2019: topics close at the end of 10 June, circulation at 09:00 on 17 June
HELD_ON = "2019-06-20"
CUT_OFF = datetime(2019, 6, 10, 16, 0, tzinfo=UTC)
D3_0900 = datetime(2019, 6, 17, 1, 0, tzinfo=UTC)


async def actions(meetings: Meetings, meeting: dict[str, Any], name: str) -> list[dict[str, Any]]:
    items = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions")).json()["items"]
    return [a for a in items if a["action"] == name]


async def submit_topic(meetings: Meetings, meeting: dict[str, Any], who: str = "汉滨区") -> dict[str, Any]:
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", who, json=TOPIC)
    assert response.status_code == 201, response.text
    topic: dict[str, Any] = response.json()
    return topic


async def get(meetings: Meetings, meeting: dict[str, Any]) -> tuple[dict[str, Any], str]:
    response = await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}")
    return response.json(), response.headers["ETag"]


async def reschedule(meetings: Meetings, meeting: dict[str, Any], held_on: str) -> Any:
    return await meetings.call(
        "POST",
        f"/api/v1/meetings/{meeting['id']}/reschedule",
        json={"held_on": held_on, "reason": "领导出差"},
    )


async def test_the_first_topic_opens_collection_and_opening_again_succeeds(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    open_path = f"/api/v1/meetings/{meeting['id']}/open-topics"
    assert (await meetings.call("POST", open_path, "汉滨区")).status_code == 403
    _, before = await get(meetings, meeting)
    await submit_topic(meetings, meeting)
    current, etag = await get(meetings, meeting)
    assert current["state"] == "collecting_topics" and etag != before  # a new revision, as the office's open
    [opened] = await actions(meetings, meeting, "topic-collection-opened")
    assert opened["actor_name"] == "汉滨区" and opened["detail"] == {"trigger": "topic-submitted"}
    again = await meetings.call("POST", open_path)
    assert again.status_code == 200 and again.json() == current
    assert (await get(meetings, meeting))[1] == etag  # nothing changed
    assert len(await actions(meetings, meeting, "topic-collection-opened")) == 1


async def test_the_office_opens_collection_once_and_not_after_the_cut_off(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    open_path = f"/api/v1/meetings/{meeting['id']}/open-topics"
    first = await meetings.call("POST", open_path)
    assert first.status_code == 200 and first.json()["state"] == "collecting_topics"
    second = await meetings.call("POST", open_path)
    assert second.status_code == 200 and second.json() == first.json()
    [opened] = await actions(meetings, meeting, "topic-collection-opened")
    assert opened["actor_name"] == "office"
    await meetings.at(CUT_OFF)
    late = await meetings.call("POST", open_path)
    assert late.status_code == 409 and late.json()["type"] == "/problems/invalid-meeting-transition"
    assert late.json()["allowed"] == ["collecting_topics", "awaiting_approval", "cancelled"]
    assert (await get(meetings, meeting))[0]["state"] == "drafting_agenda"


async def test_the_office_closes_topic_collection_early(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    close_path = f"/api/v1/meetings/{meeting['id']}/close-topics"
    not_collecting = await meetings.call("POST", close_path)
    assert not_collecting.status_code == 409 and not_collecting.json()["title_zh"]
    await submit_topic(meetings, meeting)
    assert (await meetings.call("POST", close_path, "汉滨区/unit-admin")).status_code == 403
    assert (await get(meetings, meeting))[0]["state"] == "collecting_topics"
    assert await meetings.events("topic-submission-closed") == []
    closed = await meetings.call("POST", close_path)
    assert closed.status_code == 200 and closed.json()["state"] == "drafting_agenda"
    [event] = await meetings.events("topic-submission-closed", meeting["id"])
    payload = event["payload"]
    assert payload["topics_submitted"] == 1 and payload["closed_at"].startswith("2019-05-06")
    assert meetings.units["汉滨区"] not in payload["units_without_topics"]
    assert meetings.units["汉阴县"] in payload["units_without_topics"]
    assert [u["unit_name"] for u in payload["units"]] == [OFFICE_UNIT]
    [step] = await actions(meetings, meeting, "topic-submission-closed")
    assert step["actor_name"] == "office" and step["detail"]["early"] is True
    # collection is over: a unit's topic now needs the office's leave, a second close is refused
    refused = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉阴县", json=TOPIC)
    assert refused.status_code == 409 and refused.json()["type"] == "/problems/topic-submission-closed"
    again = await meetings.call("POST", close_path)
    assert again.status_code == 409 and again.json()["type"] == "/problems/invalid-meeting-transition"
    # the cut-off's own row finds nothing to close
    await meetings.at(CUT_OFF)
    assert len(await meetings.events("topic-submission-closed", meeting["id"])) == 1
    [row] = [d for d in await meetings.deadlines(meeting["id"]) if d.kind == "topics-closed"]
    assert row.outcome == "skipped:closed"


@pytest.mark.parametrize(
    ("approved", "held_on", "deadline"),
    [
        # on 6 May, a meeting on 12 May would have closed its topics at the end of 2 May
        (False, "2019-05-12", "2019-05-03T00:00:00+08:00"),
        # on 11 June, an approved agenda for 13 June would have been circulated at 09:00 on 10 June
        (True, "2019-06-13", "2019-06-10T09:00:00+08:00"),
    ],
    ids=["topic-cut-off-past", "circulation-past"],
)
async def test_rescheduling_to_a_day_whose_deadline_is_past_changes_nothing(
    meetings: Meetings, approved: bool, held_on: str, deadline: str
) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    if approved:
        await submit_topic(meetings, meeting)
        await meetings.at(CUT_OFF)
        for who, step in (("office", "submit"), ("convener", "approve")):
            response = await meetings.call(
                "POST",
                f"/api/v1/meetings/{meeting['id']}/agenda/{step}",
                who,
                json={} if who == "office" else None,
            )
            assert response.status_code == 200, response.text
    before, etag = await get(meetings, meeting)
    rows = [(d.id, d.cancelled_at) for d in await meetings.deadlines(meeting["id"])]
    response = await reschedule(meetings, meeting, held_on)
    assert response.status_code == 409, response.text
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == ["held_on"]
    assert problem["errors"][0]["rule"] == "window-open" and problem["errors"][0]["message_zh"]
    assert problem["deadline"] == deadline
    assert await get(meetings, meeting) == (before, etag)
    assert [(d.id, d.cancelled_at) for d in await meetings.deadlines(meeting["id"])] == rows
    assert await meetings.events("meeting-rescheduled") == []


async def test_rescheduling_later_reopens_topic_collection(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    await submit_topic(meetings, meeting)
    await meetings.at(CUT_OFF)
    assert (await get(meetings, meeting))[0]["state"] == "drafting_agenda"
    # one day later still leaves the topic cut-off behind: the meeting keeps drafting its agenda
    nearer = await reschedule(meetings, meeting, "2019-06-19")
    assert nearer.status_code == 200 and nearer.json()["state"] == "drafting_agenda"
    moved = await reschedule(meetings, meeting, "2019-07-18")  # topics now close at the end of 8 July
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "collecting_topics"
    closes_at = datetime.fromisoformat(moved.json()["deadlines"]["topics_close_at"])
    assert closes_at == datetime(2019, 7, 8, 16, 0, tzinfo=UTC)
    [reopened] = await actions(meetings, meeting, "topic-collection-reopened")
    assert reopened["actor_name"] == "office"
    rows = await meetings.deadlines(meeting["id"])
    assert all(d.fired_at is not None or d.cancelled_at is not None for d in rows if d.generation < 3)
    assert {d.kind for d in rows if d.generation == 3 and d.fired_at is None and d.cancelled_at is None} >= {
        "topics-closing-3d",
        "topics-closing-1d",
        "topics-closed",
        "agenda-review-due",
    }
    again = await submit_topic(meetings, meeting, "汉阴县")
    assert again["late"] is False
    # the old schedules' rows (D-7 on 13 June, D-3 on 17 June) never fire; the new reminders and cut-off do
    for when in (datetime(2019, 7, 5, 1, 5, tzinfo=UTC), datetime(2019, 7, 7, 1, 5, tzinfo=UTC)):
        await meetings.at(when)
    await meetings.at(datetime(2019, 7, 8, 16, 5, tzinfo=UTC))
    assert await meetings.events("agenda-review-due", meeting["id"]) == []
    closings = await meetings.events("topic-submission-closing", meeting["id"])
    assert [e["payload"]["days_left"] for e in closings] == [3, 1]
    closed = await meetings.events("topic-submission-closed", meeting["id"])
    assert [e["payload"]["topics_submitted"] for e in closed] == [1, 2]
    assert (await get(meetings, meeting))[0]["state"] == "drafting_agenda"


async def test_an_agenda_approved_at_or_after_d3_is_circulated_at_once(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    base = f"/api/v1/meetings/{meeting['id']}"
    await submit_topic(meetings, meeting)
    await meetings.at(CUT_OFF)
    assert (await meetings.call("POST", f"{base}/agenda/submit", json={})).status_code == 200
    await meetings.at(D3_0900)  # circulation time: nothing approved to circulate yet
    [row] = [d for d in await meetings.deadlines(meeting["id"]) if d.kind == "circulation"]
    assert row.outcome == "skipped:not-approved"
    assert (await meetings.call("GET", f"{base}/agenda", "汉滨区")).status_code == 403
    approved = await meetings.call("POST", f"{base}/agenda/approve", "convener")
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "circulated"
    assert len(await meetings.events("agenda-approved", meeting["id"])) == 1
    [circulated] = await meetings.events("agenda-circulated", meeting["id"])
    assert meetings.units["汉滨区"] in {u["unit_id"] for u in circulated["payload"]["units"]}
    [step] = await actions(meetings, meeting, "agenda-circulated")
    assert step["actor_name"] == "convener"
    assert step["detail"]["trigger"] == "approved-after-circulation-time"
    agenda = await meetings.call("GET", f"{base}/agenda", "汉滨区")
    assert agenda.status_code == 200 and agenda.json()["status"] == "circulated"
    by_hand = await meetings.call("POST", f"{base}/agenda/circulate")
    assert by_hand.status_code == 409 and by_hand.json()["allowed"] == ["held", "cancelled"]
