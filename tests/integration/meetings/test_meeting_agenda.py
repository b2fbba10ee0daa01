"""Agenda review (office submits by D-7, the convener approves or returns) and circulation at D-3,
as JSON and as a Word document."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from integration.meetings.meetings_driver import OFFICE_UNIT, Meetings

pytestmark = pytest.mark.asyncio

HELD_ON = "2019-06-20"
CUT_OFF = datetime(2019, 6, 10, 16, 0, tzinfo=UTC)
D7_0900 = datetime(2019, 6, 13, 1, 0, tzinfo=UTC)
D4_0900 = datetime(2019, 6, 16, 1, 0, tzinfo=UTC)
D3_0900 = datetime(2019, 6, 17, 1, 0, tzinfo=UTC)

TOPIC = {
    "category": "financing",
    "title": "汉江五桥贷款审批",
    "description": "国开行贷款待审批。",
    "proposed_solution": "市财政局协调。",
}


async def drafted(meetings: Meetings) -> dict[str, Any]:
    """A meeting past its topic cut-off, with one topic from 汉滨区 and one from a non-member office unit."""
    meeting = await meetings.ad_hoc(HELD_ON)
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=TOPIC)
    assert response.status_code == 201, response.text
    await meetings.at(CUT_OFF)
    return meeting


async def state_of(meetings: Meetings, meeting: dict[str, Any]) -> str:
    state: str = (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}")).json()["state"]
    return state


async def test_agenda_review_is_due_at_d7_when_the_office_has_not_submitted(meetings: Meetings) -> None:
    meeting = await drafted(meetings)
    await meetings.at(D7_0900)
    [due] = await meetings.events("agenda-review-due", meeting["id"])
    assert due["payload"]["stage"] == "submission" and due["payload"]["units"][0]["unit_name"] == OFFICE_UNIT
    submitted = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/agenda/submit", json={})
    assert submitted.json()["state"] == "awaiting_approval"
    await meetings.at(D4_0900)
    reminders = await meetings.events("agenda-review-due", meeting["id"])
    assert [r["payload"]["stage"] for r in reminders] == ["submission", "approval"]
    assert reminders[1]["payload"]["convener"]["name"] == "召集人"


async def test_approval_by_someone_who_is_not_the_convener_changes_nothing(meetings: Meetings) -> None:
    meeting = await drafted(meetings)
    await meetings.call(
        "POST", f"/api/v1/meetings/{meeting['id']}/agenda/submit", json={"office_notes": "建议"}
    )
    for who in ("office", "汉滨区", "nobody"):
        response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/agenda/approve", who)
        assert response.status_code == 403, who
        assert response.json()["type"] == "/problems/not-the-convener" and response.json()["title_zh"]
    assert await state_of(meetings, meeting) == "awaiting_approval"
    assert await meetings.events("agenda-approved") == []


async def test_the_convener_returns_then_approves(meetings: Meetings) -> None:
    meeting = await drafted(meetings)
    base = f"/api/v1/meetings/{meeting['id']}/agenda"
    await meetings.call("POST", f"{base}/submit", json={})
    returned = await meetings.call("POST", f"{base}/return", "convener", json={"comments": "补充融资方案"})
    assert returned.status_code == 200 and returned.json()["state"] == "drafting_agenda"
    agenda = (await meetings.call("GET", base, "convener")).json()
    assert agenda["status"] == "returned" and agenda["comments"] == "补充融资方案"
    await meetings.call("POST", f"{base}/submit", json={"office_notes": "已补充"})
    approved = await meetings.call("POST", f"{base}/approve", "convener")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    [event] = await meetings.events("agenda-returned", meeting["id"])
    assert event["payload"]["comments"] == "补充融资方案"
    [event] = await meetings.events("agenda-approved", meeting["id"])
    assert event["payload"]["agenda_version"] == 2 and len(event["payload"]["topic_ids"]) == 1
    actions = list(
        (await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/actions", "convener")).json()["items"]
    )
    approval = next(a for a in actions if a["action"] == "agenda-approved")
    assert approval["actor_name"] == "convener" and approval["actor_roles"] == ["convener"]


async def test_circulation_before_approval_is_refused(meetings: Meetings) -> None:
    meeting = await drafted(meetings)
    await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/agenda/submit", json={})
    response = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/agenda/circulate")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["approved", "drafting_agenda", "cancelled"]
    await meetings.at(D3_0900)  # the scheduler's circulation does not circulate an unapproved agenda either
    assert await state_of(meetings, meeting) == "awaiting_approval"
    assert await meetings.events("agenda-circulated") == []
    assert (
        await meetings.call("GET", f"/api/v1/meetings/{meeting['id']}/agenda", "汉阴县")
    ).status_code == 403


async def test_the_approved_agenda_is_circulated_at_d3_as_json_and_docx(meetings: Meetings) -> None:
    meeting = await drafted(meetings)
    base = f"/api/v1/meetings/{meeting['id']}/agenda"
    await meetings.call("POST", f"{base}/submit", json={})
    await meetings.call("POST", f"{base}/approve", "convener")
    assert (await meetings.call("GET", base, "汉阴县")).status_code == 403
    await meetings.at(D3_0900)
    assert await state_of(meetings, meeting) == "circulated"
    [event] = await meetings.events("agenda-circulated", meeting["id"])
    assert len(event["payload"]["units"]) == 37 and event["payload"]["document_path"].endswith("agenda.docx")
    agenda = await meetings.call("GET", base, "汉阴县")
    assert agenda.status_code == 200 and agenda.json()["items"][0]["title"] == TOPIC["title"]
    document = await meetings.call("GET", f"{base}.docx", "汉阴县")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert TOPIC["title"] in text and "国开行贷款待审批" in text
    again = await meetings.call("POST", f"{base}/circulate")
    assert again.status_code == 409 and again.json()["allowed"] == ["held", "cancelled"]
