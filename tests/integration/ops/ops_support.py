"""Data in every service, made through the API, and what a restore must give back: every table's rows and the
answers the front ends read (statistics, standings, inboxes, the evidence files)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from integration.meetings.meetings_driver import TOPIC, prepare
from integration.notifier.notifier_support import bearer
from integration.projects.registry_support import register, unit_ids

from gongjian.services import SERVICES
from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI, FrozenClock
from support.platform import Platform, eventually

# The end of May 2019: reports of May are due, the early warning of May can run.
CLOCK_START = datetime(2019, 5, 28, 10, tzinfo=SHANGHAI)
COUNTIES = ("汉滨区", "汉阴县", "石泉县", "宁陕县", "紫阳县", "岚皋县")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Columns a restore may renumber (the outbox's transaction ids, see gongjian.backup) or that move by themselves.
RENUMBERED = {"txid"}


@dataclass
class Made:
    leader_account: str
    topic_id: str
    evidence_id: str
    projects: dict[str, str]


async def report_month(platform: Platform, project_id: str, month: int, completed: str) -> None:
    body = {
        "year": 2019,
        "month": month,
        "completed_10k": completed,
        "cumulative_10k": completed,
        "physical_progress": "施工中",
        "image_progress_percent": "40",
    }
    report = await platform.client.post(f"/api/v1/projects/{project_id}/progress-reports", json=body)
    assert report.status_code == 201, report.text
    accepted = await platform.client.post(f"/api/v1/progress-reports/{report.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text


async def leader_with_account(platform: Platform) -> tuple[str, str]:
    created = await platform.client.post(
        "/api/v1/accounts",
        json={"username": "wang-leader", "display_name": "王副市长", "unit_id": None, "roles": ["leader"]},
    )
    assert created.status_code == 201, created.text
    leader = await platform.client.post("/api/v1/leaders", json={"name": "王副市长", "level": "city"})
    assert leader.status_code == 201, leader.text
    account_id, leader_id = created.json()["id"], leader.json()["id"]
    linked = await platform.client.put(f"/api/v1/leaders/{leader_id}/account", json={"user_id": account_id})
    assert linked.status_code == 200, linked.text
    return account_id, leader_id


async def generate(platform: Platform, clock: FrozenClock) -> Made:
    """Units and a meeting with a topic and its evidence file (meetings), projects with accepted May reports
    (projects, scoring), one far behind so the early warning turns red and reaches its leader (notifier)."""
    meetings = await prepare(platform, clock)
    meeting = await meetings.ad_hoc("2019-06-20")
    topic = await meetings.call("POST", f"/api/v1/meetings/{meeting['id']}/topics", "汉滨区", json=TOPIC)
    assert topic.status_code == 201, topic.text
    upload = await meetings.call(
        "POST",
        f"/api/v1/topics/{topic.json()['id']}/evidence",
        "汉滨区",
        files={"file": ("征迁协议.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    account_id, leader_id = await leader_with_account(platform)
    units = await unit_ids(platform)
    projects = {}
    for serial, county in enumerate(COUNTIES):
        leaders = [leader_id] if serial == 0 else []
        project = await register(platform, units[county], name=f"{county}重点项目", leader_ids=leaders)
        projects[county] = project["id"]
        await report_month(platform, project["id"], 5, "300" if serial == 0 else str(2000 + 700 * serial))
    evaluated = await platform.client.post("/api/v1/early-warning/2019/5/evaluate")
    assert evaluated.status_code == 200, evaluated.text
    made = Made(account_id, topic.json()["id"], upload.json()["id"], projects)
    await eventually(lambda: inbox_has_items(platform, made), what="the red alert in the leader's inbox")
    await settled(platform)
    return made


async def inbox(platform: Platform, made: Made) -> list[dict[str, Any]]:
    headers = bearer(platform, Role.LEADER, user_id=uuid.UUID(made.leader_account))
    response = await platform.client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def inbox_has_items(platform: Platform, made: Made) -> bool:
    return bool(await inbox(platform, made))


async def settled(platform: Platform) -> None:
    """Every consumer of every service has read everything written so far."""

    async def caught_up() -> bool:
        for entry in SERVICES:
            bus = platform.context(entry.name).bus
            assert bus is not None
            if any([await runner.refresh_lag() != 0 for runner in bus.consumers]):
                return False
        return True

    await eventually(caught_up, what="every consumer to catch up")


async def answers(platform: Platform, made: Made) -> dict[str, Any]:
    """What the front ends read: statistics, standings, the leader's inbox, the evidence file."""
    client = platform.client
    found: dict[str, Any] = {}
    for path in (
        "/api/v1/statistics/2019/units?month=5",
        "/api/v1/statistics/2019/city?month=5",
        "/api/v1/scoring/standings?year=2019&kind=county",
        f"/api/v1/topics/{made.topic_id}/evidence",
    ):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        found[path] = response.json()
    download = await client.get(f"/api/v1/topics/{made.topic_id}/evidence/{made.evidence_id}")
    assert download.status_code == 200, download.text
    found["evidence bytes"] = download.content
    found["inbox"] = await inbox(platform, made)
    return found


async def tables(dsn: str) -> dict[str, list[str]]:
    """Every row of every table of the four service schemas, as sorted JSON text (renumbered columns left out)."""
    connection = await asyncpg.connect(dsn)
    try:
        names = await connection.fetch(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY($1::text[]) ORDER BY 1, 2",
            [entry.spec.schema for entry in SERVICES],
        )
        dropped = " ".join(f"- '{column}'" for column in sorted(RENUMBERED))
        found = {}
        for row in names:
            name = f'"{row["schemaname"]}"."{row["tablename"]}"'
            rows = await connection.fetch(
                f"SELECT (to_jsonb(t) {dropped})::text AS row FROM {name} AS t ORDER BY 1"
            )
            found[name] = [r["row"] for r in rows]
    finally:
        await connection.close()
    return found
