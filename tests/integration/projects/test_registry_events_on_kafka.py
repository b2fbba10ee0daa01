"""Every event of the registry (issue 3) reaches the real Kafka broker, through the outbox and the relay."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from integration.evidence.evidence_support import jpeg
from integration.projects.registry_support import register, unit_ids

from gongjian_projects.reporting.jobs import run_due_deadlines
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.registry import topic_name
from support.platform import Platform

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]

EXPECTED = {
    "unit-updated",
    "project-registered",
    "project-updated",
    "progress-reported",
    "progress-report-late",
    "progress-report-returned",
    "progress-report-due",
    "project-started",
    "project-completed",
    "project-removed-from-plan",
    "prephase-procedure-updated",
    "planned-project-updated",
    "obstacle-escalated",
    "project-behind-schedule",
}


async def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def drive_every_event(platform: Platform) -> dict[str, str]:
    """Causes each event once; returns event type -> the key (project or unit) it should carry."""
    client = platform.client
    context = platform.context("projects-api")
    now = context.clock.now().astimezone(SHANGHAI)
    year, month = now.year, now.month
    units = await unit_ids(platform)
    unit = await ok(await client.post("/api/v1/units", json={"name": "卡夫卡县", "kind": "county"}), 201)

    dates = {"planned_start": f"{year}-01-01", "planned_completion": f"{year + 2}-12-31"}
    late = await register(platform, units["汉滨区"], year=year, **dates)
    owing = await register(platform, units["汉阴县"], year=year, **dates)

    # this month's window closed an hour ago and its reminder went before: reports now are late
    window = await client.get(f"/api/v1/progress-reports/months/{year}/{month}")
    instant = context.clock.now()
    await ok(
        await client.put(
            f"/api/v1/progress-reports/months/{year}/{month}",
            json={
                "opens_at": (instant - timedelta(days=3)).isoformat(),
                "reminder_at": (instant - timedelta(hours=2)).isoformat(),
                "closes_at": (instant - timedelta(hours=1)).isoformat(),
                "cut_off_at": (instant + timedelta(days=5)).isoformat(),
            },
            headers={"If-Match": window.headers["etag"]},
        )
    )
    await run_due_deadlines(context.sessionmaker, context.outbox, context.clock)

    await ok(
        await client.patch(
            f"/api/v1/projects/{late['id']}", json={"industry": "能源"}, headers={"If-Match": '"1"'}
        )
    )
    planned = await register(platform, units["市发改委"], kind="planned", year=year, **dates)
    await ok(
        await client.put(
            f"/api/v1/projects/{late['id']}/prephase-procedures/land",
            json={"status": "in-progress", "planned_on": f"{year}-12-31"},
        )
    )
    figures = {
        "completed_10k": "10",
        "cumulative_10k": "10",
        "physical_progress": "桩基",
        "image_progress_percent": "5",
    }
    report = await ok(
        await client.post(
            f"/api/v1/projects/{late['id']}/progress-reports", json={"year": year, "month": month} | figures
        ),
        201,
    )
    assert report["late"] is True
    await ok(await client.post(f"/api/v1/progress-reports/{report['id']}/return", json={"reason": "缺照片"}))
    await ok(await client.post(f"/api/v1/progress-reports/{report['id']}/resubmit", json=figures))
    await ok(await client.post(f"/api/v1/progress-reports/{report['id']}/accept"))  # not started: turns red

    today = now.date().isoformat()
    recognitions = f"/api/v1/projects/{owing['id']}/recognitions"
    for kind in ("start", "completion"):
        applied = await ok(
            await client.post(recognitions, json={"kind": kind, "date": today, "description": "认定"}),
            201,
        )
        photo = {"file": (f"{kind}.jpg", jpeg(seed=kind.encode()), "image/jpeg")}
        await ok(await client.post(f"{recognitions}/{applied['id']}/evidence", files=photo), 201)
        judgement = {"office_judgement": "经现场核查具备运营条件"} if kind == "completion" else None
        await ok(await client.post(f"{recognitions}/{applied['id']}/recognise", json=judgement))

    removed = await register(platform, units["石泉县"], year=year, **dates)
    await ok(
        await client.post(
            f"/api/v1/plans/{year}/removals/{removed['id']}",
            json={"reason": "前期手续无法办结", "removed_on": today, "approved_by": "市政府"},
        )
    )
    obstacle = await ok(
        await client.post(
            "/api/v1/ledger/obstacles",
            json={"project_id": owing["id"], "category": "financing", "description": "贷款未落实"},
        ),
        201,
    )
    await ok(await client.post(f"/api/v1/ledger/obstacles/{obstacle['id']}/escalate", json={}))
    return {
        "unit-updated": unit["id"],
        "project-registered": late["id"],
        "project-updated": late["id"],
        "planned-project-updated": planned["id"],
        "prephase-procedure-updated": late["id"],
        "progress-report-late": late["id"],
        "progress-report-returned": late["id"],
        "progress-reported": late["id"],
        "project-behind-schedule": late["id"],
        "progress-report-due": f"{year}-{month:02d}",
        "project-started": owing["id"],
        "project-completed": owing["id"],
        "project-removed-from-plan": removed["id"],
        "obstacle-escalated": owing["id"],
    }


async def test_every_registry_event_reaches_the_kafka_broker(kafka_platform: Platform) -> None:
    keys = await drive_every_event(kafka_platform)
    assert set(keys) == EXPECTED
    settings = kafka_platform.settings["projects-api"]
    consumer = AIOKafkaConsumer(
        topic_name(settings.kafka.topic_prefix, "projects"),
        bootstrap_servers=settings.kafka.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    seen: dict[str, set[str]] = {}
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not all(keys[t] in seen.get(t, set()) for t in EXPECTED):
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                for message in messages:
                    envelope = json.loads(message.value)
                    assert envelope["producer"] == "projects-api"
                    assert message.key.decode() == envelope["key"]
                    seen.setdefault(envelope["type"], set()).add(envelope["key"])
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    missing = {t: keys[t] for t in EXPECTED if keys[t] not in seen.get(t, set())}
    assert not missing, f"not on Kafka: {missing}"
