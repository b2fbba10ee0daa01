"""Who sees and runs which joint meetings: a county's body run by its own unit-admin, another county's meeting,
topic and resolution answering 404, topics naming only the unit's own projects, and a unit's own edits and
withdrawal until the topic cut-off."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration.meetings.meetings_driver import TOPIC, Meetings
from sqlalchemy import func, select

from gongjian_meetings.models import Topic
from gongjian_shared.clock import SHANGHAI

pytestmark = pytest.mark.asyncio

HELD_ON = "2019-06-20"
CUT_OFF = datetime(2019, 6, 10, 16, 0, tzinfo=UTC)  # the end of D-10 in Shanghai


async def body_of(meetings: Meetings, unit: str) -> dict[str, Any]:
    bodies = (await meetings.call("GET", "/api/v1/meeting-bodies")).json()["items"]
    body: dict[str, Any] = next(b for b in bodies if b["unit_id"] == meetings.units[unit])
    return body


async def county_meeting(meetings: Meetings, unit: str, who: str = "office") -> dict[str, Any]:
    body = await body_of(meetings, unit)
    response = await meetings.call(
        "POST",
        "/api/v1/meetings",
        who,
        json={
            "body_id": body["id"],
            "title": f"{unit}专题协调会",
            "held_on": HELD_ON,
            "topic_days": 10,
            "agenda_days": 7,
            "circulation_days": 3,
        },
    )
    assert response.status_code == 201, response.text
    meeting: dict[str, Any] = response.json()
    return meeting


async def topic_count(meetings: Meetings) -> int:
    async with meetings.platform.context("meetings-api").sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Topic)) or 0)


async def test_a_county_body_is_run_by_the_countys_unit_admin(meetings: Meetings) -> None:
    await meetings.add_unit("汉滨区发改局", "department", parent="汉滨区")
    admin = "汉滨区/unit-admin"
    body = await body_of(meetings, "汉滨区")
    settings = await meetings.update(
        "PATCH",
        f"/api/v1/meeting-bodies/{body['id']}",
        admin,
        json={"office_unit_id": meetings.units["汉滨区"]},
    )
    assert settings.status_code == 200, settings.text
    meeting = await county_meeting(meetings, "汉滨区", who=admin)
    base = f"/api/v1/meetings/{meeting['id']}"
    submitted = await meetings.call("POST", f"{base}/topics", "汉滨区发改局", json=TOPIC)
    assert submitted.status_code == 201, submitted.text
    listed = (await meetings.call("GET", f"{base}/topics", admin)).json()["items"]
    assert [t["unit_name"] for t in listed] == ["汉滨区发改局"]
    await meetings.at(datetime.fromisoformat(HELD_ON).replace(tzinfo=SHANGHAI) - timedelta(days=9))
    assert (await meetings.call("POST", f"{base}/agenda/submit", admin, json={})).status_code == 200
    assert (await meetings.call("POST", f"{base}/agenda/approve", "convener")).status_code == 200
    circulated = await meetings.call("POST", f"{base}/agenda/circulate", admin)
    assert circulated.status_code == 200 and circulated.json()["state"] == "circulated"
    agenda = (await meetings.call("GET", f"{base}/agenda", "汉滨区发改局")).json()
    assert [item["unit_name"] for item in agenda["items"]] == ["汉滨区发改局"]
    actions = (await meetings.call("GET", f"{base}/actions", admin)).json()["items"]
    assert {"agenda-submitted", "agenda-circulated"} <= {a["action"] for a in actions}
    # not the city's body, and not another county's; a county reporter does not run its own county's body
    city = await meetings.call(
        "POST",
        "/api/v1/meetings",
        admin,
        json={
            "body_id": meetings.city_body_id,
            "title": "x",
            "held_on": "2019-07-20",
            "topic_days": 10,
            "agenda_days": 7,
            "circulation_days": 3,
        },
    )
    assert city.status_code == 403 and city.json()["type"] == "/problems/not-the-meeting-office"
    other = await body_of(meetings, "汉阴县")
    foreign = await meetings.update(
        "PATCH", f"/api/v1/meeting-bodies/{other['id']}", admin, json={"topic_days": 12}
    )
    assert foreign.status_code == 404
    assert (await meetings.call("POST", f"{base}/cancel", "汉滨区", json={"reason": "x"})).status_code == 403


async def held_county_meeting(meetings: Meetings, unit: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A meeting of the county's body, run by the office through to a resolution with the county as lead."""
    meeting = await county_meeting(meetings, unit)
    base = f"/api/v1/meetings/{meeting['id']}"
    topic = await meetings.call("POST", f"{base}/topics", unit, json=TOPIC)
    assert topic.status_code == 201, topic.text
    day = datetime.fromisoformat(HELD_ON).replace(tzinfo=SHANGHAI)
    await meetings.at(day - timedelta(days=9))
    for who, step in (("office", "submit"), ("convener", "approve"), ("office", "circulate")):
        response = await meetings.call(
            "POST", f"{base}/agenda/{step}", who, json={} if step == "submit" else None
        )
        assert response.status_code == 200, response.text
    await meetings.at(day + timedelta(hours=10))
    held = await meetings.call(
        "POST", f"{base}/hold", json={"attendance": [{"unit_id": meetings.units[unit]}]}
    )
    assert held.status_code == 200, held.text
    resolution = await meetings.call(
        "POST",
        f"{base}/resolutions",
        json={"text": "限期完成征迁", "lead_unit_id": meetings.units[unit], "due_on": "2019-07-10"},
    )
    assert resolution.status_code == 201, resolution.text
    return topic.json(), resolution.json()


async def test_another_countys_meeting_topic_and_resolution_answer_404(meetings: Meetings) -> None:
    topic, resolution = await held_county_meeting(meetings, "汉滨区")
    meeting_id = topic["meeting_id"]
    missing = str(uuid.uuid4())
    paths = [
        f"/api/v1/meetings/{meeting_id}",
        f"/api/v1/meetings/{meeting_id}/topics",
        f"/api/v1/meetings/{meeting_id}/agenda",
        f"/api/v1/meetings/{meeting_id}/resolutions",
        f"/api/v1/meetings/{meeting_id}/attendance",
        f"/api/v1/topics/{topic['id']}",
        f"/api/v1/resolutions/{resolution['id']}",
    ]
    for who in ("汉阴县", "汉阴县/unit-admin", "汉阴县/liaison"):
        for path in paths:
            response = await meetings.call("GET", path, who)
            assert response.status_code == 404, (who, path, response.text)
            ghost = path.replace(meeting_id, missing).replace(topic["id"], missing)
            ghost = ghost.replace(resolution["id"], missing)
            assert response.json()["type"] == (await meetings.call("GET", ghost, who)).json()["type"]
        listed = (await meetings.call("GET", "/api/v1/meetings", who)).json()["items"]
        assert meeting_id not in {m["id"] for m in listed}
        assert (await meetings.call("GET", "/api/v1/resolutions", who)).json()["items"] == []
        again = await meetings.call("POST", f"/api/v1/meetings/{meeting_id}/topics", who, json=TOPIC)
        assert again.status_code == 404
        feedback = await meetings.call(
            "POST",
            f"/api/v1/resolutions/{resolution['id']}/feedback",
            who,
            json={"text": "x", "status": "done"},
        )
        assert feedback.status_code == 404
    # the county itself sees its meeting, its topic and the resolution it leads
    assert (await meetings.call("GET", f"/api/v1/meetings/{meeting_id}", "汉滨区")).status_code == 200
    assert (await meetings.call("GET", f"/api/v1/topics/{topic['id']}", "汉滨区")).status_code == 200
    assert [
        r["id"] for r in (await meetings.call("GET", "/api/v1/resolutions", "汉滨区")).json()["items"]
    ] == [resolution["id"]]
    assert [
        r["id"]
        for r in (await meetings.call("GET", "/api/v1/resolutions", "汉滨区/unit-admin")).json()["items"]
    ] == [resolution["id"]]


async def test_a_city_member_unit_cannot_see_a_county_meeting(meetings: Meetings) -> None:
    county = await county_meeting(meetings, "汉滨区")
    city = await meetings.ad_hoc("2019-06-27")
    for who in ("市财政局", "汉阴县"):
        listed = {m["id"] for m in (await meetings.call("GET", "/api/v1/meetings", who)).json()["items"]}
        assert listed == {city["id"]}, who
        assert (await meetings.call("GET", f"/api/v1/meetings/{county['id']}", who)).status_code == 404
        bodies = {
            b["unit_id"] for b in (await meetings.call("GET", "/api/v1/meeting-bodies", who)).json()["items"]
        }
        assert meetings.units["汉滨区"] not in bodies
    for who in ("汉滨区", "office", "convener"):
        listed = {m["id"] for m in (await meetings.call("GET", "/api/v1/meetings", who)).json()["items"]}
        assert listed == {city["id"], county["id"]}, who


async def test_a_topic_naming_a_foreign_or_missing_project_is_refused(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    path = f"/api/v1/meetings/{meeting['id']}/topics"
    own = await meetings.register_project("汉滨区", "汉江五桥")
    foreign = await meetings.register_project("汉阴县", "汉阴县月河大桥")
    missing = str(uuid.uuid4())
    for who, body in (
        ("汉滨区", TOPIC | {"project_ids": [own, foreign, missing]}),
        ("office", TOPIC | {"project_ids": [own, foreign, missing], "unit_id": meetings.units["汉滨区"]}),
    ):
        refused = await meetings.call("POST", path, who, json=body)
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["project_ids.1", "project_ids.2"]
        assert refused.json()["errors"][0]["message_zh"]
    assert await topic_count(meetings) == 0
    assert await meetings.events("topic-submitted") == []
    # its own project and a project of a unit under it are fine
    await meetings.add_unit("汉滨区交通局", "department", parent="汉滨区")
    below = await meetings.register_project("汉滨区交通局", "汉滨区城区道路")
    accepted = await meetings.call("POST", path, "汉滨区", json=TOPIC | {"project_ids": [own, below]})
    assert accepted.status_code == 201, accepted.text
    topic_path = f"/api/v1/topics/{accepted.json()['id']}"
    for who in ("汉滨区", "office"):
        changed = await meetings.update("PATCH", topic_path, who, json={"project_ids": [foreign]})
        assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "project_ids.0"
    assert (await meetings.call("GET", topic_path, "汉滨区")).json()["project_ids"] == [own, below]


async def test_a_unit_edits_and_withdraws_its_own_topic_until_the_cut_off(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    path = f"/api/v1/meetings/{meeting['id']}/topics"
    first = (await meetings.call("POST", path, "汉滨区", json=TOPIC)).json()
    second = (await meetings.call("POST", path, "汉滨区", json=TOPIC | {"title": "第二个议题"})).json()
    edited = await meetings.update(
        "PATCH", f"/api/v1/topics/{first['id']}", "汉滨区", json={"title": "汉江五桥南岸征迁"}
    )
    assert edited.status_code == 200 and edited.json()["title"] == "汉江五桥南岸征迁"
    for action, kwargs in (("PATCH", {"json": {"title": "x"}}), ("POST", {})):
        suffix = "" if action == "PATCH" else "/withdraw"
        response = await meetings.call(action, f"/api/v1/topics/{second['id']}{suffix}", "汉阴县", **kwargs)
        assert response.status_code == 404
    withdrawn = await meetings.call("POST", f"/api/v1/topics/{second['id']}/withdraw", "汉滨区")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    meetings.clock.set(CUT_OFF)  # the first instant after D-10
    late_edit = await meetings.update(
        "PATCH", f"/api/v1/topics/{first['id']}", "汉滨区", json={"title": "迟改"}
    )
    assert late_edit.status_code == 409
    problem = late_edit.json()
    assert problem["type"] == "/problems/topic-changes-closed" and problem["title_zh"]
    assert datetime.fromisoformat(problem["deadline"]) == CUT_OFF
    late_withdrawal = await meetings.call("POST", f"/api/v1/topics/{first['id']}/withdraw", "汉滨区")
    assert late_withdrawal.status_code == 409
    own = {t["id"]: t for t in (await meetings.call("GET", path, "汉滨区")).json()["items"]}
    assert own[first["id"]]["title"] == "汉江五桥南岸征迁" and own[first["id"]]["status"] == "submitted"
    assert own[second["id"]]["status"] == "withdrawn"
    by_office = await meetings.update("PATCH", f"/api/v1/topics/{first['id']}", json={"title": "办公室修改"})
    assert by_office.status_code == 200
    agenda = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/agenda")).json()
    assert [item["topic_id"] for item in agenda["items"]] == [first["id"]]
    actions = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions")).json()["items"]
    assert [a["actor_name"] for a in actions if a["action"] == "topic-withdrawn"] == ["汉滨区"]
