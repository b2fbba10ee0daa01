"""Meeting bodies from the unit replica; the series generated ahead; ad hoc windows; the state machine;
cancel and reschedule moving every deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration.meetings.meetings_driver import LIAISON_UNIT, OFFICE_UNIT, Meetings

pytestmark = pytest.mark.asyncio


async def test_bodies_for_the_city_and_each_county_and_zone(meetings: Meetings) -> None:
    response = await meetings.call("GET", "/api/v1/meeting-bodies")
    assert response.status_code == 200
    levels = [body["level"] for body in response.json()["items"]]
    assert levels.count("city") == 1 and levels.count("county") == 10 and levels.count("zone") == 3
    own = (await meetings.call("GET", "/api/v1/meeting-bodies", "汉滨区")).json()["items"]
    assert [(b["level"], b["unit_id"]) for b in own] == [("city", None), ("county", meetings.units["汉滨区"])]
    members = await meetings.call("GET", f"/api/v1/meeting-bodies/{meetings.city_body_id}/members")
    assert members.json()["total"] == 37  # the 36 of Annex 1 and the department added with a liaison
    by_name = {m["name"]: m for m in members.json()["items"]}
    assert by_name[LIAISON_UNIT]["liaisons"] == [f"{LIAISON_UNIT}联络员"]
    assert OFFICE_UNIT not in by_name
    county = next(b for b in response.json()["items"] if b["name"].startswith("汉滨区"))
    county_members = await meetings.call("GET", f"/api/v1/meeting-bodies/{county['id']}/members")
    assert [m["name"] for m in county_members.json()["items"]] == ["汉滨区"]
    assert (await meetings.call("GET", "/api/v1/meetings/member-units")).status_code == 200


async def test_the_series_is_generated_ahead_once(meetings: Meetings) -> None:
    body = await meetings.set_city_body(series_active=True, series_horizon_months=6)
    assert body["series_active"] is True
    listed = (
        await meetings.call("GET", "/api/v1/meetings", params={"body_id": meetings.city_body_id})
    ).json()["items"]
    # 9 May is past its D-10 cut-off on 6 May; July and September fall within six months
    assert [(m["held_on"], m["series_key"]) for m in listed] == [
        ("2019-07-11", "2019-07"),
        ("2019-09-12", "2019-09"),
    ]
    again = await meetings.call("POST", f"/api/v1/meeting-bodies/{meetings.city_body_id}/series", json={})
    assert again.status_code == 201 and again.json() == []
    longer = await meetings.call(
        "POST", f"/api/v1/meeting-bodies/{meetings.city_body_id}/series", json={"months_ahead": 8}
    )
    assert [m["held_on"] for m in longer.json()] == ["2019-11-14"]
    scheduled = await meetings.events("meeting-scheduled")
    assert len(scheduled) == 3
    payload = scheduled[0]["payload"]
    assert len(payload["units"]) == 37 and payload["office"]["unit_name"] == OFFICE_UNIT
    liaison = next(u for u in payload["units"] if u["unit_name"] == LIAISON_UNIT)
    assert liaison["liaisons"][0]["name"] == f"{LIAISON_UNIT}联络员"
    kinds = sorted(d.kind for d in await meetings.deadlines(listed[0]["id"]))
    assert kinds == sorted(
        [
            "topics-closing-3d",
            "topics-closing-1d",
            "topics-closed",
            "agenda-review-due",
            "approval-due",
            "circulation",
            "meeting-upcoming",
        ]
    )


async def test_an_ad_hoc_meeting_has_its_own_windows_and_no_stale_reminders(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc("2019-05-11", days=(3, 2, 1))
    assert meeting["ad_hoc"] is True and meeting["state"] == "scheduled"
    # topics close at the end of 8 May (D-3)
    assert datetime.fromisoformat(meeting["deadlines"]["topics_close_at"]) == datetime(
        2019, 5, 8, 16, tzinfo=UTC
    )
    kinds = {d.kind for d in await meetings.deadlines(meeting["id"])}
    # "closing in 3 days" would be on 5 May, before the meeting was called: not planned
    assert "topics-closing-3d" not in kinds
    assert {"topics-closed", "circulation", "topics-closing-1d", "meeting-upcoming"} <= kinds


async def test_an_invalid_step_is_a_409_naming_the_allowed_next_states(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc("2019-06-20")
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/agenda/approve", "convener")
    assert response.status_code == 409
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["allowed"] == ["collecting_topics", "drafting_agenda", "cancelled"]
    assert problem["title_zh"]


async def test_reschedule_moves_every_deadline_and_notifies(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc("2019-06-20")
    before = {d.kind: d.due_at for d in await meetings.deadlines(meeting["id"])}
    response = await meetings.call(
        "POST",
        f"/api/v1/meetings/{meeting['id']}/reschedule",
        json={"held_on": "2019-06-27", "reason": "领导出差"},
    )
    assert response.status_code == 200, response.text
    rows = await meetings.deadlines(meeting["id"])
    old = [d for d in rows if d.generation == 1]
    new = {d.kind: d.due_at for d in rows if d.generation == 2}
    assert all(d.cancelled_at is not None for d in old) and len(old) == len(before)
    assert new == {kind: due + timedelta(days=7) for kind, due in before.items()}
    [event] = await meetings.events("meeting-rescheduled", meeting["id"])
    assert event["payload"]["previous_held_on"] == "2019-06-20"
    assert event["payload"]["meeting"]["held_on"] == "2019-06-27"
    # a cut-off of the old schedule never fires: the day passes and only the new one does
    await meetings.at(datetime(2019, 6, 11, 0, 5, tzinfo=UTC))
    assert await meetings.events("topic-submission-closed", meeting["id"]) == []
    await meetings.at(datetime(2019, 6, 17, 16, 5, tzinfo=UTC))
    assert len(await meetings.events("topic-submission-closed", meeting["id"])) == 1


async def test_rescheduling_into_the_past_changes_nothing(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc("2019-06-20")
    rows_before = len(await meetings.deadlines(meeting["id"]))
    response = await meetings.call(
        "POST",
        f"/api/v1/meetings/{meeting['id']}/reschedule",
        json={"held_on": "2019-05-01", "reason": "误操作"},
    )
    assert response.status_code == 409  # judged against today's date
    assert [e["field"] for e in response.json()["errors"]] == ["held_on"]
    assert response.json()["errors"][0]["message_zh"]
    after = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}")).json()
    assert after["held_on"] == "2019-06-20"
    assert len(await meetings.deadlines(meeting["id"])) == rows_before
    assert await meetings.events("meeting-rescheduled") == []


async def test_cancel_stops_every_pending_deadline(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc("2019-06-20")
    response = await meetings.call(
        "POST", f"/api/v1/meetings/{meeting['id']}/cancel", json={"reason": "并入例会"}
    )
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert response.json()["allowed_next"] == []
    assert all(d.cancelled_at is not None for d in await meetings.deadlines(meeting["id"]))
    assert len(await meetings.events("meeting-cancelled", meeting["id"])) == 1
    assert await meetings.at(datetime(2019, 6, 30, tzinfo=UTC)) == 0
    again = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/cancel", json={"reason": "x"})
    assert again.status_code == 409 and again.json()["allowed"] == []


async def test_only_the_office_calls_meetings(meetings: Meetings) -> None:
    response = await meetings.call(
        "POST",
        "/api/v1/meetings",
        "汉滨区",
        json={
            "body_id": meetings.city_body_id,
            "title": "x",
            "held_on": "2019-06-20",
            "topic_days": 10,
            "agenda_days": 7,
            "circulation_days": 3,
        },
    )
    assert response.status_code == 403
    assert await meetings.events("meeting-scheduled") == []


async def test_reminders_follow_working_days_only_when_the_office_says_so(meetings: Meetings) -> None:
    # the day before Tuesday 8 October 2019 is the last day of the National Day holiday
    plain = await meetings.ad_hoc("2019-10-08")
    await meetings.set_city_body(skip_holidays=True)
    working = await meetings.ad_hoc("2019-10-08")

    def due(rows: list[Any], kind: str) -> datetime:
        return next(row.due_at for row in rows if row.kind == kind)

    plain_rows, working_rows = await meetings.deadlines(plain["id"]), await meetings.deadlines(working["id"])
    assert due(plain_rows, "meeting-upcoming") == datetime(2019, 10, 7, 1, tzinfo=UTC)
    assert due(working_rows, "meeting-upcoming") == datetime(2019, 9, 30, 1, tzinfo=UTC)
    # cut-offs stay on calendar days: the end of 28 September either way
    assert (
        due(plain_rows, "topics-closed")
        == due(working_rows, "topics-closed")
        == datetime(2019, 9, 28, 16, tzinfo=UTC)
    )
