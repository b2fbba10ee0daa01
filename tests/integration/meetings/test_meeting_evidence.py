"""Evidence files on topics and on resolution feedback: the routes exist and follow the owner's access.

A topic's files: its unit and the office running the meeting attach; whoever sees the topic reads; another
unit gets 404. Feedback's files: the unit that wrote the feedback attaches; whoever sees the resolution (the
other responsible units, the office) reads; a unit not responsible gets 404."""

from __future__ import annotations

import pytest
from integration.evidence.evidence_support import assert_problem, jpeg, rows
from integration.meetings.meetings_driver import TOPIC, Meetings, held_meeting

pytestmark = pytest.mark.asyncio


async def post(meetings: Meetings, url: str, who: str, seed: bytes) -> int:
    files = {"file": ("会议材料.jpg", jpeg(seed=seed), "image/jpeg")}
    return (await meetings.call("POST", url, who, files=files)).status_code


async def check_readers(
    meetings: Meetings, url: str, evidence_id: str, readers: list[str], hidden: str
) -> None:
    for who in readers:
        listed = await meetings.call("GET", url, who)
        assert [item["id"] for item in listed.json()] == [evidence_id], (who, listed.text)
        downloaded = await meetings.call("GET", f"{url}/{evidence_id}", who)
        assert downloaded.status_code == 200 and downloaded.content == jpeg(), who
        assert downloaded.headers["content-disposition"].endswith("%E4%BC%9A%E8%AE%AE%E6%9D%90%E6%96%99.jpg")
    assert_problem(await meetings.call("GET", url, hidden), 404)
    assert_problem(await meetings.call("GET", f"{url}/{evidence_id}", hidden), 404)


async def test_topic_evidence_follows_the_topic(meetings: Meetings) -> None:
    meeting = await meetings.ad_hoc("2019-06-20")
    topic = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=TOPIC)
    assert topic.status_code == 201, topic.text
    url = f"/api/v1/topics/{topic.json()['id']}/evidence"

    created = await meetings.call(
        "POST", url, "汉滨区", files={"file": ("会议材料.jpg", jpeg(), "image/jpeg")}
    )
    assert created.status_code == 201, created.text
    assert created.json()["owner_kind"] == "topic"
    await check_readers(meetings, url, created.json()["id"], ["汉滨区", "office", "convener"], "汉阴县")
    assert await post(meetings, url, "汉阴县", b"stranger") == 404
    assert (
        await post(meetings, url, "汉滨区/reviewer", b"reviewer") == 403
    )  # sees its unit's topic, writes not
    assert await post(meetings, url, "convener", b"convener") == 403
    assert await post(meetings, url, "office", b"office") == 201
    assert len(await rows(meetings.platform, "meetings-api")) == 2


async def test_feedback_evidence_follows_the_resolution(meetings: Meetings) -> None:
    meeting = await held_meeting(meetings)
    recorded = await meetings.call(
        "POST",
        f"/api/v1/meetings/{meeting['id']}/resolutions",
        json={
            "text": "汉滨区牵头、市自然资源局配合，7月10日前完成南岸征迁。",
            "lead_unit_id": meetings.units["汉滨区"],
            "supporting_unit_ids": [meetings.units["市自然资源局"]],
            "due_on": "2019-07-10",
        },
    )
    assert recorded.status_code == 201, recorded.text
    base = f"/api/v1/resolutions/{recorded.json()['id']}/feedback"
    feedback = await meetings.call("POST", base, "汉滨区", json={"text": "征迁已全部完成", "status": "done"})
    assert feedback.status_code == 201, feedback.text
    url = f"{base}/{feedback.json()['id']}/evidence"

    created = await meetings.call(
        "POST", url, "汉滨区", files={"file": ("会议材料.jpg", jpeg(), "image/jpeg")}
    )
    assert created.status_code == 201, created.text
    assert created.json()["owner_kind"] == "feedback"
    await check_readers(meetings, url, created.json()["id"], ["汉滨区", "市自然资源局", "office"], "汉阴县")
    assert await post(meetings, url, "汉阴县", b"stranger") == 404
    assert await post(meetings, url, "市自然资源局", b"supporting") == 403  # another unit's feedback
    assert await post(meetings, url, "office", b"office") == 403  # the office checks feedback, not writes it
    assert len(await rows(meetings.platform, "meetings-api")) == 1
