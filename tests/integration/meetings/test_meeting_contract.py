"""The meetings API's contract: every list is a page, updates need If-Match, bad input is a 4xx problem
naming the field, and nothing is stored."""

from __future__ import annotations

import pytest
from integration.meetings.meetings_driver import TOPIC, Meetings

from support.problems import problem

pytestmark = pytest.mark.asyncio

HELD_ON = "2019-06-20"


async def test_every_list_is_a_page_with_bounded_limit_and_offset(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    base = f"/api/v1/meetings/{meeting['id']}"
    lists = [
        "/api/v1/meetings",
        "/api/v1/resolutions",
        "/api/v1/meeting-bodies",
        f"/api/v1/meeting-bodies/{meetings.city_body_id}/members",
        "/api/v1/meetings/member-units",
        "/api/v1/topics/drafts",
        "/api/v1/topics/suggestions",
        f"{base}/topics",
        f"{base}/resolutions",
        f"{base}/attendance",
        f"{base}/deadlines",
        f"{base}/actions",
    ]
    for path in lists:
        page = await meetings.call("GET", path, params={"limit": 1, "offset": 0})
        assert page.status_code == 200, (path, page.text)
        body = page.json()
        assert set(body) == {"items", "total", "limit", "offset"}, path
        assert (body["limit"], body["offset"]) == (1, 0) and len(body["items"]) <= 1, path
        for params, field in (
            ({"limit": 0}, "limit"),
            ({"limit": 501}, "limit"),
            ({"offset": -1}, "offset"),
            ({"offset": "30195936683908878336"}, "offset"),
        ):
            problem(await meetings.call("GET", path, params=params), 422, field)
    every = (await meetings.call("GET", f"{base}/deadlines", params={"limit": 500})).json()
    second = (await meetings.call("GET", f"{base}/deadlines", params={"limit": 1, "offset": 1})).json()
    assert every["total"] == second["total"] >= 2 and second["items"] == every["items"][1:2]


async def test_a_topic_update_needs_the_current_etag(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    created = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=TOPIC)
    path = f"/api/v1/topics/{created.json()['id']}"
    read = await meetings.call("GET", path, "汉滨区")
    etag = read.headers["ETag"]
    headers = meetings.headers("汉滨区")
    missing = await meetings.platform.client.patch(path, headers=headers, json={"title": "改"})
    assert problem(missing, 428, "If-Match")["type"] == "/problems/precondition-required"
    changed = await meetings.platform.client.patch(
        path, headers=headers | {"If-Match": etag}, json={"title": "汉江五桥南岸征迁（修改）"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] != etag
    stale = await meetings.platform.client.patch(
        path, headers=headers | {"If-Match": etag}, json={"title": "旧"}
    )
    problem(stale, 412, "If-Match")
    assert (await meetings.call("GET", path)).json()["title"] == "汉江五桥南岸征迁（修改）"


async def test_the_meeting_record_and_the_body_settings_need_if_match(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    base = f"/api/v1/meetings/{meeting['id']}"
    body_path = f"/api/v1/meeting-bodies/{meetings.city_body_id}"
    for method, path, body in (
        ("PATCH", body_path, {"topic_days": 12}),
        ("PUT", f"{base}/topic-order", {"topic_ids": [str(meeting["id"])]}),
        ("PUT", f"{base}/minutes", {"text": "纪要"}),
    ):
        response = await meetings.call(method, path, json=body)
        problem(response, 428, "If-Match")
        stale = await meetings.platform.client.request(
            method, path, headers=meetings.headers("office") | {"If-Match": '"999"'}, json=body
        )
        problem(stale, 412, "If-Match")
    assert (await meetings.call("GET", body_path)).json()["topic_days"] != 12
    assert (await meetings.call("GET", base)).headers["ETag"] == '"1"'


async def test_explicit_null_for_a_setting_that_cannot_be_empty_is_refused(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    created = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=TOPIC)
    topic_path = f"/api/v1/topics/{created.json()['id']}"
    body_path = f"/api/v1/meeting-bodies/{meetings.city_body_id}"
    before = (await meetings.call("GET", body_path)).json()
    for path, payload, field in (
        (topic_path, {"category": None}, "category"),
        (topic_path, {"title": None}, "title"),
        (body_path, {"series_horizon_months": None}, "series_horizon_months"),
        (body_path, {"skip_holidays": None}, "skip_holidays"),
    ):
        problem(await meetings.update("PATCH", path, json=payload), 422, field)
    assert (await meetings.call("GET", body_path)).json() == before
    assert (await meetings.call("GET", topic_path)).json()["category"] == TOPIC["category"]


async def test_control_characters_in_text_are_refused_and_nothing_is_stored(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    path = f"/api/v1/meetings/{meeting['id']}/topics"
    for payload, field in (
        (TOPIC | {"title": "a\x00b"}, "title"),
        (TOPIC | {"title": "汉江\x0b五桥"}, "title"),
        (TOPIC | {"description": "南岸\x00征迁"}, "description"),
        (TOPIC | {"title": "   "}, "title"),
    ):
        problem(await meetings.call("POST", path, "汉滨区", json=payload), 422, field)
    assert (await meetings.call("GET", path)).json()["total"] == 0
    multiline = await meetings.call(
        "POST", path, "汉滨区", json=TOPIC | {"title": "  汉江五桥  ", "description": "第一行\n\t第二行"}
    )
    assert multiline.status_code == 201, multiline.text
    assert multiline.json()["title"] == "汉江五桥" and multiline.json()["description"] == "第一行\n\t第二行"
    called = await meetings.call(
        "POST",
        "/api/v1/meetings",
        json={"body_id": meetings.city_body_id, "title": "专题\x00会", "held_on": HELD_ON},
    )
    assert called.status_code == 422, called.text


async def test_a_refused_step_says_why_in_chinese(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc(HELD_ON)
    base = f"/api/v1/meetings/{meeting['id']}"
    first = await meetings.call("POST", f"{base}/close-topics")  # not collecting yet
    assert first.status_code == 409, first.text
    assert (await meetings.call("POST", f"{base}/agenda/submit", json={})).status_code == 409
    cancelled = await meetings.call("POST", f"{base}/cancel", json={"reason": "并入例会"})
    assert cancelled.status_code == 200, cancelled.text
    again = await meetings.call("POST", f"{base}/open-topics")
    assert again.status_code == 409
    detail = again.json()["detail"]
    chinese = detail[detail.index("（") if "（" in detail else detail.index("(") :]
    assert "开始征集议题" in chinese and "open topic" not in chinese, detail
