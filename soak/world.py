"""What the simulated users write into: projects of the counties, a meeting open for topics, a held meeting with
resolutions due over the next days (so deadlines come due as the clock jumps), a meeting whose topic cut-off
falls in the run. Built over the public API as the office, the convener and the units would."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from gongjian_shared.clock import SHANGHAI
from soak.actors import Actors, call, expect
from soak.stack import Stack

COUNTIES = (
    "汉滨区",
    "汉阴县",
    "石泉县",
    "宁陕县",
    "紫阳县",
    "岚皋县",
    "平利县",
    "镇坪县",
    "旬阳县",
    "白河县",
)
LEADS = ("汉滨区", "市财政局", "市自然资源局", "市住建局", "市交通运输局", "汉阴县")
OFFICE_UNIT = "市重点项目建设中心"
YEAR = 2025
# the clock's start: a Monday at 10:00 in Asia/Shanghai, in office hours (no quiet hours hold a reminder)
START = datetime(2025, 6, 2, 10, tzinfo=SHANGHAI)
HELD_ON = date(2025, 6, 16)  # the held meeting's day; the load starts on it at 10:00
TOPIC = {
    "category": "land-and-demolition",
    "title": "浸泡测试议题",
    "description": "征迁受阻，影响施工。",
    "proposed_solution": "请相关部门联合督导。",
}


@dataclass
class World:
    stack: Stack
    actors: Actors
    units: dict[str, str]
    open_meeting: str = ""
    resolutions: dict[str, str] = field(default_factory=dict)  # resolution id -> lead unit name
    projects: list[tuple[str, str]] = field(default_factory=list)  # (project id, unit name)

    def url(self, service: str, path: str) -> str:
        return self.stack.url(service) + path

    async def office(self, client: httpx.AsyncClient, method: str, service: str, path: str, **kw: Any) -> Any:
        response = await call(
            client, self.actors, self.actors.office(), method, self.url(service, path), **kw
        )
        return await expect(response, 200, 201, 204)

    async def as_unit(
        self, client: httpx.AsyncClient, unit: str, role: str, method: str, service: str, path: str, **kw: Any
    ) -> Any:
        who = self.actors.principal(f"{role}:{unit}", self.units[unit], role)
        response = await call(client, self.actors, who, method, self.url(service, path), **kw)
        return await expect(response, 200, 201, 204)

    async def add_project(self, client: httpx.AsyncClient, unit: str, name: str) -> str:
        body = {"year": YEAR, "kind": "key", "name": name, "unit_id": self.units[unit]}
        body |= {"total_investment_10k": "50000", "planned_investment_10k": "6000"}
        project = await self.office(client, "POST", "projects-api", "/api/v1/projects", json=body)
        return str(project["id"])


async def build(stack: Stack, projects: int) -> World:
    stack.clock.set(START)
    actors = Actors(stack.signing_key, stack.clock)
    db = await asyncpg.connect(stack.database_url.replace("+asyncpg", ""))
    try:
        units = {r["name"]: str(r["id"]) for r in await db.fetch("SELECT id, name FROM projects.units")}
        world = World(stack, actors, units)
        async with httpx.AsyncClient(trust_env=False) as client:
            if OFFICE_UNIT not in units:
                body = {"name": OFFICE_UNIT, "kind": "office"}
                office = await world.office(client, "POST", "projects-api", "/api/v1/units", json=body)
                units[OFFICE_UNIT] = office["id"]
            actors.office_unit = uuid.UUID(units[OFFICE_UNIT])
            city = await replicated(db, units[OFFICE_UNIT])
            await set_city_body(world, client, city)
            for number in range(projects):
                unit = COUNTIES[number % len(COUNTIES)]
                world.projects.append((await world.add_project(client, unit, f"浸泡项目{number:04d}"), unit))
            await held_meeting(world, client, city)
            world.open_meeting = (await ad_hoc(world, client, city, HELD_ON + timedelta(days=40), 10))["id"]
            await ad_hoc(
                world, client, city, HELD_ON + timedelta(days=13), 10
            )  # its cut-off falls in the run
    finally:
        await db.close()
    return world


async def replicated(db: asyncpg.Connection, office_unit: str) -> str:
    """meetings-api's unit replica has the office unit: return the city body's id."""
    for _ in range(300):
        found = await db.fetchval(
            "SELECT count(*) FROM meetings.unit_replica WHERE unit_id = $1", uuid.UUID(office_unit)
        )
        if found:
            return str(await db.fetchval("SELECT id FROM meetings.meeting_bodies WHERE level = 'city'"))
        await asyncio.sleep(0.1)
    raise RuntimeError("meetings-api never received the office unit")


async def set_city_body(world: World, client: httpx.AsyncClient, city: str) -> None:
    path = f"/api/v1/meeting-bodies/{city}"
    current = await call(client, world.actors, world.actors.office(), "GET", world.url("meetings-api", path))
    body = {
        "office_unit_id": world.units[OFFICE_UNIT],
        "convener": {"name": "召集人", "phone": "0915-3210000"},
        "convener_user_id": str(world.actors.principal("convener", None, "convener").user_id),
    }
    headers = {"If-Match": current.headers.get("ETag", '"0"')}
    await world.office(client, "PATCH", "meetings-api", path, json=body, headers=headers)


async def ad_hoc(world: World, client: httpx.AsyncClient, city: str, held_on: date, topic_days: int) -> Any:
    body: dict[str, Any] = {"body_id": city, "title": f"浸泡会议{held_on}", "held_on": held_on.isoformat()}
    body |= {"topic_days": topic_days, "agenda_days": 7, "circulation_days": 3}
    return await world.office(client, "POST", "meetings-api", "/api/v1/meetings", json=body)


async def held_meeting(world: World, client: httpx.AsyncClient, city: str) -> None:
    """A meeting taken to held on HELD_ON (the clock moved there), with resolutions due on the next days."""
    meeting = await ad_hoc(world, client, city, HELD_ON, 10)
    base = f"/api/v1/meetings/{meeting['id']}"
    await world.as_unit(client, "汉滨区", "liaison", "POST", "meetings-api", f"{base}/topics", json=TOPIC)
    world.stack.clock.set(
        datetime.combine(HELD_ON - timedelta(days=9), datetime.min.time(), SHANGHAI).replace(hour=10)
    )
    await state(world, client, base, "drafting_agenda")  # the scheduler closed topic submission
    convener = world.actors.principal("convener", None, "convener")
    await world.office(client, "POST", "meetings-api", f"{base}/agenda/submit", json={})
    await expect(
        await call(
            client, world.actors, convener, "POST", world.url("meetings-api", f"{base}/agenda/approve")
        ),
        200,
    )
    await world.office(client, "POST", "meetings-api", f"{base}/agenda/circulate")
    world.stack.clock.set(datetime.combine(HELD_ON, datetime.min.time(), SHANGHAI).replace(hour=10))
    attendance = [{"unit_id": world.units[name], "attendee": f"{name}负责人"} for name in LEADS]
    await world.office(client, "POST", "meetings-api", f"{base}/hold", json={"attendance": attendance})
    for number, lead in enumerate(LEADS * 2):
        due = HELD_ON + timedelta(days=1 + number % 6)
        body = {"text": f"浸泡议定事项{number}", "lead_unit_id": world.units[lead], "due_on": due.isoformat()}
        resolution = await world.office(client, "POST", "meetings-api", f"{base}/resolutions", json=body)
        world.resolutions[resolution["id"]] = lead


async def state(world: World, client: httpx.AsyncClient, base: str, wanted: str) -> None:
    for _ in range(300):
        if (await world.office(client, "GET", "meetings-api", base))["state"] == wanted:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} never reached {wanted}")
