"""Acceptance: a whole two-month cycle on a fake clock, with the scheduler running in the service, and every
expected event read back exactly once from the real Kafka broker."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from integration.meetings.meetings_driver import START, TOPIC, Meetings, prepare
from sqlalchemy import func, select

from gongjian.infra.kafka import KafkaBroker
from gongjian_meetings.models import BUS
from gongjian_meetings.settings import SchedulerSettings
from gongjian_shared.clock import SHANGHAI, FrozenClock
from gongjian_shared.db import unit_of_work
from gongjian_shared.events import EventEnvelope
from gongjian_shared.events.projects import ObstacleEscalated
from support.platform import eventually, platform_settings, running_platform

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


@pytest.fixture
async def kafka_meetings(database_url: str, kafka: KafkaBroker) -> AsyncIterator[Meetings]:
    clock = FrozenClock(START)
    settings = platform_settings(
        database_url,
        bus="kafka",
        kafka_bootstrap=kafka.bootstrap_servers,
        overrides={"meetings-api": {"scheduler": SchedulerSettings(poll_interval_seconds=0.05)}},
    )
    async with running_platform(settings, clock=clock) as platform:
        await platform.login()
        yield await prepare(platform, clock)


async def post(m: Meetings, path: str, who: str = "office", body: Any = None, status: int = 200) -> Any:
    response = await m.call("POST", path, who, json=body)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def read_stream(m: Meetings, kafka: KafkaBroker) -> list[EventEnvelope]:
    """Everything meetings-api published, read from the beginning of its topic once the relay caught up."""
    async with m.platform.context("meetings-api").sessionmaker() as session:
        written = int(await session.scalar(select(func.count()).select_from(BUS.outbox)) or 0)
    topic = m.platform.settings["meetings-api"].kafka.topic_prefix + "meetings"
    reader = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=f"acc-{uuid.uuid4()}",
    )
    await reader.start()
    seen: list[EventEnvelope] = []
    try:

        async def all_read() -> bool:
            for messages in (await reader.getmany(timeout_ms=500)).values():
                seen.extend(EventEnvelope.model_validate_json(message.value) for message in messages)
            return len(seen) >= written

        await eventually(all_read, timeout=60, what=f"{written} meeting events on Kafka")
        for messages in (await reader.getmany(timeout_ms=1500)).values():  # nothing more may follow
            seen.extend(EventEnvelope.model_validate_json(message.value) for message in messages)
    finally:
        await reader.stop()
    return seen


async def test_a_two_month_cycle_emits_every_event_exactly_once_on_kafka(
    kafka_meetings: Meetings, kafka: KafkaBroker
) -> None:
    m = kafka_meetings
    # the series is generated: 11 July and 12 September 2019 (second Thursdays of odd months)
    await m.set_city_body(series_active=True)
    listed = (await m.call("GET", "/api/v1/meetings", params={"body_id": m.city_body_id})).json()["items"]
    july, september = listed
    assert (july["held_on"], september["held_on"]) == ("2019-07-11", "2019-09-12")
    base = f"/api/v1/meetings/{july['id']}"
    # a push-ledger obstacle is escalated in the registry and arrives as a draft for the office
    obstacle = ObstacleEscalated(
        obstacle_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        project_name="汉江五桥",
        unit_id=uuid.UUID(m.units["汉滨区"]),
        category="land-and-demolition",
        description="南岸征迁受阻",
        proposed_solution="市级统筹",
        responsible_unit_id=None,
    )
    projects = m.platform.context("projects-api")
    async with unit_of_work(projects.sessionmaker) as session:
        await projects.outbox.publish(session, obstacle, key=str(obstacle.project_id))

    async def drafted() -> bool:
        return len((await m.call("GET", "/api/v1/topics/drafts")).json()["items"]) == 1

    await eventually(drafted, timeout=60, what="the draft topic from obstacle-escalated")
    [draft] = (await m.call("GET", "/api/v1/topics/drafts")).json()["items"]
    assert draft["meeting_id"] == july["id"]
    await m.until(at("2019-06-03", 10))
    await post(m, f"/api/v1/topics/{draft['id']}/accept", body={})
    await post(m, f"{base}/topics", "汉滨区", TOPIC, status=201)
    # the September meeting moves a week; an ad hoc meeting is called and called off
    await post(
        m, f"/api/v1/meetings/{september['id']}/reschedule", body={"held_on": "2019-09-19", "reason": "中秋"}
    )
    ad_hoc = await m.ad_hoc("2019-06-28", title="临时会议")
    await post(m, f"/api/v1/meetings/{ad_hoc['id']}/cancel", body={"reason": "并入七月例会"})
    # reminders before the cut-off at the end of 1 July (D-10), then the cut-off itself
    await m.until(at("2019-06-28"))
    await m.until(at("2019-06-30"))
    await m.until(at("2019-07-02", 8))
    refused = await m.call("POST", f"{base}/topics", "汉阴县", json=TOPIC)
    assert refused.status_code == 409 and refused.json()["deadline"]
    await post(
        m, f"{base}/late-acceptances", body={"unit_id": m.units["石泉县"], "reason": "补报"}, status=204
    )
    late = await post(m, f"{base}/topics", "石泉县", TOPIC, status=201)
    assert late["late"] is True
    # D-7, 4 July: the review reminder at 09:00, then submitted, returned once, approved
    await m.until(at("2019-07-04", 9, 30))
    await post(m, f"{base}/agenda/submit", body={})
    await post(m, f"{base}/agenda/return", "convener", {"comments": "请补充征迁进展"})
    await post(m, f"{base}/agenda/submit", body={"office_notes": "已补充"})
    await post(m, f"{base}/agenda/approve", "convener")
    # D-3 circulation by the scheduler, D-1 the meeting-upcoming reminder, D the meeting
    await m.until(at("2019-07-08", 9, 30))
    assert (await m.call("GET", base)).json()["state"] == "circulated"
    await m.until(at("2019-07-11", 10))
    await post(m, f"{base}/hold", body={"attendance": [{"unit_id": m.units["汉滨区"]}]})
    units = m.units
    r1 = await post(
        m,
        f"{base}/resolutions",
        body={"text": "完成征迁", "lead_unit_id": units["汉滨区"], "due_on": "2019-08-01"},
        status=201,
    )
    r2 = await post(
        m,
        f"{base}/resolutions",
        body={"text": "落实贷款", "lead_unit_id": units["市财政局"], "due_on": "2019-08-05"},
        status=201,
    )
    r3 = await post(
        m,
        f"{base}/resolutions",
        body={
            "text": "办结用地",
            "lead_unit_id": units["市自然资源局"],
            "supporting_unit_ids": [units["汉滨区"]],
            "due_on": "2019-08-08",
        },
        status=201,
    )
    # feedback closes two; the third goes overdue and climbs the ladder
    await m.until(at("2019-07-25", 10))
    done = await post(
        m, f"/api/v1/resolutions/{r1['id']}/feedback", "汉滨区", {"text": "已完成", "status": "done"}, 201
    )
    await post(m, f"/api/v1/resolutions/{r1['id']}/feedback/{done['id']}/review", body={"decision": "accept"})
    await m.until(at("2019-08-03", 10))
    done = await post(
        m, f"/api/v1/resolutions/{r2['id']}/feedback", "市财政局", {"text": "已放款", "status": "done"}, 201
    )
    await post(m, f"/api/v1/resolutions/{r2['id']}/feedback/{done['id']}/review", body={"decision": "accept"})
    await m.until(at("2019-08-09", 10))
    await m.until(at("2019-08-12", 10))
    report = (await m.call("GET", f"{base}/follow-up-report", "convener")).json()
    assert (report["done"], report["done_on_time"], report["open_overdue"]) == (2, 2, 1)

    envelopes = await read_stream(m, kafka)
    assert len({e.event_id for e in envelopes}) == len(envelopes), "an event was published twice"
    counts = Counter(e.type for e in envelopes)
    assert counts == {
        "meeting-scheduled": 3,  # July, September, the ad hoc one
        "meeting-rescheduled": 1,
        "meeting-cancelled": 1,
        "topic-submitted": 3,  # the draft taken, 汉滨区, 石泉县 late
        "topic-submission-closing": 2,
        "topic-submission-closed": 1,
        "agenda-review-due": 1,
        "agenda-returned": 1,
        "agenda-approved": 1,
        "agenda-circulated": 1,
        "meeting-upcoming": 1,
        "resolution-recorded": 3,
        "resolution-due": 3,  # r2 in 3 days; r3 in 3 days and today; r1 was closed before its reminders
        "feedback-submitted": 2,
        "resolution-closed": 2,
        "resolution-overdue": 2,
        "resolution-escalated": 2,
    }
    by_type: dict[str, list[dict[str, Any]]] = {}
    for envelope in envelopes:
        by_type.setdefault(envelope.type, []).append(envelope.payload)
    july_only = {
        t
        for t in counts
        if t.startswith(("topic", "agenda", "resolution", "feedback")) or t == "meeting-upcoming"
    }
    for event_type in july_only:
        assert {p["meeting"]["meeting_id"] for p in by_type[event_type]} == {july["id"]}, event_type
    assert sorted(p["days_left"] for p in by_type["topic-submission-closing"]) == [1, 3]
    assert sorted((p["number"], p["days_left"]) for p in by_type["resolution-due"]) == [
        (2, 3),
        (3, 0),
        (3, 3),
    ]
    assert [p["level"] for p in by_type["resolution-escalated"]] == ["reminder", "urging"]
    assert {p["resolution_id"] for p in by_type["resolution-closed"]} == {r1["id"], r2["id"]}
    assert {p["resolution_id"] for p in by_type["resolution-overdue"]} == {r3["id"]}
    assert sorted(p["late"] for p in by_type["topic-submitted"]) == [False, False, True]
    assert by_type["agenda-review-due"][0]["stage"] == "submission"
