"""A driver for the joint-meeting workflow on a frozen clock: act as the office, the convener or a member
unit (tokens minted by the platform's own token service), move time, read the outbox and the deadline rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.deadlines.jobs import run_due
from gongjian_meetings.models import BUS, UNIT_REPLICA, Deadline, ProjectReplica
from gongjian_shared.auth import Principal
from gongjian_shared.clock import SHANGHAI, FrozenClock
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.projects import ProjectRegistered
from support.platform import Platform, eventually, mint_token

START = datetime(2019, 5, 6, 10, 0, tzinfo=SHANGHAI)  # a Monday
OFFICE_UNIT = "市重点项目建设中心"
LIAISON_UNIT = "市测试局"


@dataclass
class Meetings:
    platform: Platform
    clock: FrozenClock
    units: dict[str, str]
    city_body_id: str
    convener_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def principal(self, who: str) -> Principal:
        if who == "office":
            return Principal(
                uuid.uuid5(uuid.NAMESPACE_OID, "office"),
                "office",
                uuid.UUID(self.units[OFFICE_UNIT]),
                frozenset({"office"}),
            )
        if who == "convener":
            return Principal(self.convener_id, "convener", None, frozenset({"convener"}))
        if who == "nobody":
            return Principal(uuid.uuid4(), "nobody", None, frozenset({"reporter"}))
        # "汉滨区" is a reporter of 汉滨区; "汉滨区/unit-admin" holds another role in the same unit
        unit_name, _, role = who.partition("/")
        unit_id = uuid.UUID(self.units[unit_name])
        return Principal(uuid.uuid5(uuid.NAMESPACE_OID, who), who, unit_id, frozenset({role or "reporter"}))

    def headers(self, who: str) -> dict[str, str]:
        token = mint_token(self.platform, self.principal(who))
        return {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, who: str = "office", **kwargs: Any) -> httpx.Response:
        return await self.platform.client.request(method, path, headers=self.headers(who), **kwargs)

    async def update(
        self, method: str, path: str, who: str = "office", *, etag_of: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """An If-Match update: sends the ETag the office reads from `etag_of` (by default `path` itself)."""
        current = await self.call("GET", etag_of or path)
        headers = self.headers(who) | {"If-Match": current.headers.get("ETag", '"0"')}
        return await self.platform.client.request(method, path, headers=headers, **kwargs)

    async def fire(self) -> int:
        return await run_due(self.platform.context("meetings-api").sessionmaker, self.clock, 500)

    async def at(self, when: datetime) -> int:
        """Move the clock and let the scheduler fire what has come due."""
        self.clock.set(when)
        return await self.fire()

    async def settle(self) -> None:
        """Wait, bounded, until a running scheduler has fired every row due by the clock."""

        async def nothing_due() -> bool:
            async with self.platform.context("meetings-api").sessionmaker() as session:
                pending = await session.scalar(
                    select(func.count())
                    .select_from(Deadline)
                    .where(
                        Deadline.fired_at.is_(None),
                        Deadline.cancelled_at.is_(None),
                        Deadline.due_at <= self.clock.now(),
                    )
                )
            return pending == 0

        await eventually(nothing_due, timeout=30, what=f"every deadline due by {self.clock.now()} fired")

    async def until(self, when: datetime) -> None:
        """Move the clock and wait for the running scheduler to catch up."""
        self.clock.set(when)
        await self.settle()

    async def events(
        self, event_type: str | None = None, meeting_id: str | None = None
    ) -> list[dict[str, Any]]:
        outbox = BUS.outbox
        query = select(outbox.c.envelope).order_by(outbox.c.id)
        if event_type:
            query = query.where(outbox.c.type == event_type)
        if meeting_id:
            query = query.where(outbox.c.key == meeting_id)
        async with self.platform.context("meetings-api").sessionmaker() as session:
            return [dict(row) for row in (await session.execute(query)).scalars()]

    async def deadlines(self, meeting_id: str) -> list[Deadline]:
        async with self.platform.context("meetings-api").sessionmaker() as session:
            query = select(Deadline).where(Deadline.meeting_id == uuid.UUID(meeting_id)).order_by(Deadline.id)
            return list((await session.execute(query)).scalars())

    async def add_unit(self, name: str, kind: str, parent: str | None = None) -> str:
        """A unit registered in projects-api (under `parent`), once meetings-api's replica has it."""
        body: dict[str, Any] = {"name": name, "kind": kind, "joint_meeting_member": False}
        if parent is not None:
            body["parent_unit_id"] = self.units[parent]
        response = await self.platform.client.post("/api/v1/units", json=body)
        assert response.status_code == 201, response.text
        unit_id = str(response.json()["id"])

        async def replicated() -> bool:
            async with self.platform.context("meetings-api").sessionmaker() as session:
                count = await session.scalar(
                    select(func.count()).select_from(UNIT_REPLICA).where(UNIT_REPLICA.c.unit_id == unit_id)
                )
            return count == 1

        await eventually(replicated, what=f"{name} in meetings-api")
        self.units[name] = unit_id
        return unit_id

    async def register_project(self, unit: str, name: str) -> str:
        """A project of `unit` entering the registry (`project-registered` from projects-api), once
        meetings-api's project replica has it."""
        project_id = uuid.uuid4()
        event = ProjectRegistered(
            project_id=project_id,
            unit_id=uuid.UUID(self.units[unit]),
            year=2019,
            kind="key",
            name=name,
            code=None,
            plan_category=None,
            total_investment_10k=Decimal("10000"),
            planned_investment_10k=Decimal("2000"),
            planned_start=None,
            planned_completion=None,
        )
        context = self.platform.context("projects-api")
        async with unit_of_work(context.sessionmaker) as session:
            await context.outbox.publish(session, event, key=str(project_id))

        async def replicated() -> bool:
            async with self.platform.context("meetings-api").sessionmaker() as session:
                return await session.get(ProjectReplica, project_id) is not None

        await eventually(replicated, what=f"project {name} in meetings-api")
        return str(project_id)

    async def set_city_body(self, **settings: Any) -> dict[str, Any]:
        response = await self.update("PATCH", f"/api/v1/meeting-bodies/{self.city_body_id}", json=settings)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ad_hoc(
        self, held_on: str, days: tuple[int, int, int] = (10, 7, 3), title: str = "专题协调会"
    ) -> dict[str, Any]:
        response = await self.call(
            "POST",
            "/api/v1/meetings",
            json={
                "body_id": self.city_body_id,
                "title": title,
                "held_on": held_on,
                "topic_days": days[0],
                "agenda_days": days[1],
                "circulation_days": days[2],
            },
        )
        assert response.status_code == 201, response.text
        meeting: dict[str, Any] = response.json()
        return meeting


async def prepare(platform: Platform, clock: FrozenClock) -> Meetings:
    """Seed an office unit and a member department with liaisons; wait until meetings-api knows them."""
    client = platform.client
    for name, kind, member in ((OFFICE_UNIT, "office", False), (LIAISON_UNIT, "department", True)):
        response = await client.post(
            "/api/v1/units",
            json={
                "name": name,
                "kind": kind,
                "joint_meeting_member": member,
                "contacts": [{"role": "liaison", "name": f"{name}联络员", "phone": "0915-3211234"}],
            },
        )
        assert response.status_code == 201, response.text

    async def replicated() -> bool:
        async with platform.context("meetings-api").sessionmaker() as session:
            count = await session.scalar(select(func.count()).select_from(UNIT_REPLICA))
            return count == 38 and await BodyRepository(session).city() is not None

    await eventually(replicated, what="38 units and the city body in meetings-api")
    async with platform.context("meetings-api").sessionmaker() as session:
        units = {row.name: str(row.unit_id) for row in await session.execute(select(UNIT_REPLICA))}
        city = await BodyRepository(session).city()
        assert city is not None
    meetings = Meetings(platform=platform, clock=clock, units=units, city_body_id=str(city.id))
    await meetings.set_city_body(
        office_unit_id=units[OFFICE_UNIT],
        convener={"name": "召集人", "phone": "0915-3210000"},
        convener_user_id=str(meetings.convener_id),
    )
    return meetings


TOPIC = {
    "category": "land-and-demolition",
    "title": "汉江五桥南岸征迁",
    "description": "南岸 32 户未签约，影响主墩施工。",
    "proposed_solution": "请市自然资源局、汉滨区联合督导征迁。",
}


async def held_meeting(meetings: Meetings, held_on: str = "2019-06-20") -> dict[str, Any]:
    """An ad hoc meeting taken through topics, approval and circulation to held, on its day at 10:00."""
    meeting = await meetings.ad_hoc(held_on)
    base = f"/api/v1/meetings/{meeting['id']}"
    response = await meetings.call("POST", f"{base}/topics", "汉滨区", json=TOPIC)
    assert response.status_code == 201, response.text
    day = datetime.fromisoformat(held_on).replace(tzinfo=SHANGHAI)
    await meetings.at(day - timedelta(days=9))
    for who, step in (("office", "submit"), ("convener", "approve"), ("office", "circulate")):
        response = await meetings.call(
            "POST", f"{base}/agenda/{step}", who, json={} if step == "submit" else None
        )
        assert response.status_code == 200, response.text
    await meetings.at(day + timedelta(hours=10))
    attendance = [
        {"unit_id": meetings.units[name], "attendee": f"{name}负责人"} for name in ("汉滨区", "市财政局")
    ]
    response = await meetings.call("POST", f"{base}/hold", json={"attendance": attendance})
    assert response.status_code == 200, response.text
    held: dict[str, Any] = response.json()
    return held
