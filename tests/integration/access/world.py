"""The objects of the access matrix: for each owner (the own unit 汉滨区, another county 宁陕县, and the own
unit's child zone 恒口示范区) one object of every kind a path names, created through the API as the office
(a unit's topic and resolution feedback by that unit's reporter, a convener's approval by the convener). An object that cannot be made is replaced by a made-up id and noted,
so the matrix still runs and the report says why those cells answer 404."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from integration.access import principals
from integration.access.bodies import Generator
from sqlalchemy import select

from gongjian_shared.clock import FrozenClock
from support.platform import ADMIN_PASSWORD, Platform, eventually

OWN, OTHER, CHILD = "own", "other", "child"
OWNERS = (OWN, OTHER, CHILD)
UNIT_NAMES = {OWN: "汉滨区", OTHER: "宁陕县", CHILD: "恒口示范区"}
#: the region segment of each owner's project code: its county (恒口示范区 lies in 汉滨区)
CODE_REGIONS = {OWN: "610902", OTHER: "610923", CHILD: "610902"}
PASSWORD = "matrix-Password-2019"

#: path parameters that name an object owned by a unit (the others name shared things: years, rule sets...)
OWNED_KINDS = (
    "unit_id",
    "project_id",
    "code",  # a project's unified code (GET /api/v1/projects/by-code/{code})
    "recognition_id",
    "report_id",
    "obstacle_id",
    "concentrated_start_id",
    "account_id",
    "body_id",
    "meeting_id",
    "topic_id",
    "resolution_id",
    "feedback_id",
    "judgement_id",
    "person_id",
)
#: body properties that make an operation's object (a create names its owner in the body)
BODY_OBJECT_FIELDS = ("unit_id", "project_id", "meeting_id", "body_id")


@dataclass
class World:
    platform: Platform
    clock: FrozenClock
    clients: dict[str, httpx.AsyncClient]  # service name -> a client straight to that app
    ids: dict[str, dict[str, str]] = field(default_factory=lambda: {owner: {} for owner in OWNERS})
    shared: dict[str, str] = field(default_factory=dict)  # unowned path parameters
    tokens: dict[str, str | None] = field(default_factory=dict)  # principal kind -> bearer token
    notes: list[str] = field(default_factory=list)
    office_headers: dict[str, str] = field(default_factory=dict)
    invented: set[str] = field(default_factory=set)  # made-up ids standing in for objects that do not exist
    principals: dict[str, Any] = field(default_factory=dict)  # principal kind -> Principal

    def id_of(self, owner: str, kind: str) -> str:
        value = self.ids[owner].get(kind)
        if value is None:
            value = self.ids[owner][kind] = str(uuid.uuid4())
            self.invented.add(value)
            self.notes.append(
                f"no {kind} of the {owner} unit: a made-up id stands in (allowed callers get 404)"
            )
        return value

    async def call(
        self, service: str, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return await self.clients[service].request(
            method, path, headers=headers if headers is not None else self.office_headers, **kwargs
        )

    async def make(
        self, what: str, service: str, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> str | None:
        response = await self.call(service, "POST", path, headers, json=body)
        if response.status_code not in (200, 201):
            self.notes.append(f"could not create {what}: {response.status_code} {response.text[:300]}")
            return None
        value: str = response.json()["id"]
        return value


def generated(platform: Platform, service: str, method: str, template: str, ids: dict[str, str]) -> Any:
    document = platform.app(service).openapi()
    operation = document["paths"][template][method]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return Generator(document, ids, {}).value(schema)


async def create_account(world: World, kind: str, unit_id: str | None, roles: list[str]) -> str:
    """A real account, created by the admin through POST /api/v1/accounts."""
    username = f"matrix-{kind}-{uuid.uuid4().hex[:6]}"
    body = {
        "username": username,
        "display_name": username,
        "unit_id": unit_id,
        "roles": roles,
        "initial_password": PASSWORD,
    }
    response = await world.call("projects-api", "POST", "/api/v1/accounts", json=body)
    assert response.status_code == 201, f"creating the {kind} account: {response.text}"
    return str(response.json()["id"])


async def create_service_account(world: World) -> str:
    """A machine client with the matrix's read scopes, created by the admin."""
    template = "/api/v1/service-accounts"
    body = generated(world.platform, "projects-api", "post", template, {})
    body["scopes"] = sorted(principals.SERVICE_SCOPES)
    response = await world.call("projects-api", "POST", template, json=body)
    assert response.status_code == 201, f"creating the service account: {response.text}"
    return str(response.json()["account"]["id"])


async def build(world: World) -> None:
    platform = world.platform
    world.office_headers = {"Authorization": f"Bearer {await platform.token('admin', ADMIN_PASSWORD)}"}

    # units: the own county, another county, and a zone made the own county's child
    response = await world.call("projects-api", "GET", "/api/v1/units", params={"limit": 500})
    assert response.status_code == 200, response.text
    by_name = {unit["name"]: unit for unit in response.json()["items"]}
    for owner, name in UNIT_NAMES.items():
        world.ids[owner]["unit_id"] = by_name[name]["id"]
    own_unit, child_unit = world.ids[OWN]["unit_id"], world.ids[CHILD]["unit_id"]
    child = await world.call("projects-api", "GET", f"/api/v1/units/{child_unit}")
    response = await world.call(
        "projects-api",
        "PATCH",
        f"/api/v1/units/{child_unit}",
        headers=world.office_headers | {"If-Match": child.headers.get("ETag", "")},
        json={"parent_unit_id": own_unit},
    )
    assert response.status_code == 200, f"making 恒口示范区 a child of 汉滨区: {response.text}"

    # the principals: real accounts (the leader linked to a leader record), tokens minted by the platform
    users: dict[str, str] = {}
    for kind in principals.SIGNED_IN:
        if kind == "service":
            users[kind] = await create_service_account(world)
            continue
        unit = None if kind in principals.WITHOUT_UNIT else own_unit
        users[kind] = await create_account(world, kind, unit, sorted(principals.ROLES[kind]))
    leader_id = await world.make(
        "the leader record",
        "projects-api",
        "/api/v1/leaders",
        {"name": "矩阵领导", "title": "副市长", "level": "city", "user_id": users["leader"]},
    )
    made = {
        kind: principals.principal(kind, uuid.UUID(users[kind]), uuid.UUID(own_unit))
        for kind in principals.SIGNED_IN
    }
    world.principals = made
    for kind, who in made.items():
        world.tokens[kind] = principals.mint(platform, who)
    world.tokens["no-token"] = None
    world.tokens["expired"] = principals.expired(platform, world.clock, made["reporter"])
    world.tokens["forged"] = principals.forged(world.tokens["office"] or "")

    # one object of each kind per owner
    for owner in OWNERS:
        ids = world.ids[owner]
        unit = ids["unit_id"]
        ids["account_id"] = await create_account(world, f"object-{owner}", unit, ["reporter"])
        body = {
            "year": 2019,
            "kind": "key",
            "name": f"矩阵项目-{owner}-{uuid.uuid4().hex[:4]}",
            "unit_id": unit,
            "plan_category": "new-start",
            "total_investment_10k": "50000",
            "planned_investment_10k": "12000",
            "planned_start": "2019-03-01",
            "planned_completion": "2020-12-31",
            "leader_ids": [leader_id] if owner == OWN and leader_id else [],
            "code": f"2019-{CODE_REGIONS[owner]}-48-01-{OWNERS.index(owner) + 700001:06d}",
        }
        project = await world.make(f"the {owner} project", "projects-api", "/api/v1/projects", body)
        if project is None:
            continue
        ids["project_id"], ids["code"] = project, body["code"]
        if owner == OWN:
            # the carry-over names last year's entry in its body: a real one, so the office's answer is about
            # the entry (409, not of the previous year), not a 404 for an id made up
            world.shared["from_project_id"] = project
        template = "/api/v1/projects/{project_id}/recognitions"
        recognition = await world.make(
            f"the {owner} recognition",
            "projects-api",
            f"/api/v1/projects/{project}/recognitions",
            generated(platform, "projects-api", "post", template, ids),
        )
        if recognition:
            ids["recognition_id"] = recognition
        batch = {"year": 2019, "quarter": 2, "planned_on": "2019-06-18", "event": f"矩阵集中开工-{owner}"}
        concentrated = await world.make(
            f"the {owner} concentrated start",
            "projects-api",
            "/api/v1/concentrated-starts",
            batch | {"project_ids": [project]},
        )
        if concentrated:
            ids["concentrated_start_id"] = concentrated
        report = await world.make(
            f"the {owner} progress report",
            "projects-api",
            f"/api/v1/projects/{project}/progress-reports",
            {
                "year": 2019,
                "month": 5,
                "completed_10k": "1000",
                "cumulative_10k": "1000",
                "physical_progress": "施工中",
                "image_progress_percent": "30",
            },
        )
        if report:
            ids["report_id"] = report
        obstacle = await world.make(
            f"the {owner} obstacle",
            "projects-api",
            "/api/v1/ledger/obstacles",
            generated(platform, "projects-api", "post", "/api/v1/ledger/obstacles", ids),
        )
        if obstacle:
            ids["obstacle_id"] = obstacle

    await build_meetings(world, made)
    await build_resolutions(world)
    await build_people(world)
    await build_scoring(world)


async def build_meetings(world: World, made: dict[str, Any]) -> None:
    """A meeting of each owner's own body (county or zone), and a topic each owner submits to it."""
    from gongjian_meetings.models import UNIT_REPLICA

    platform = world.platform
    own_unit = world.ids[OWN]["unit_id"]

    async def replicated() -> bool:
        async with platform.context("meetings-api").sessionmaker() as session:
            row = (
                await session.execute(
                    select(UNIT_REPLICA).where(
                        UNIT_REPLICA.c.unit_id == uuid.UUID(world.ids[CHILD]["unit_id"])
                    )
                )
            ).first()
        return row is not None and str(getattr(row, "parent_unit_id", own_unit)) == own_unit

    try:
        await eventually(replicated, timeout=20, what="the child zone's parent in meetings-api")
    except AssertionError as exc:
        world.notes.append(str(exc))
    response = await world.call("meetings-api", "GET", "/api/v1/meeting-bodies", params={"limit": 200})
    if response.status_code != 200:
        world.notes.append(f"GET /api/v1/meeting-bodies: {response.status_code} {response.text[:300]}")
        return
    payload = response.json()
    bodies = payload["items"] if isinstance(payload, dict) else payload
    for owner in OWNERS:
        ids = world.ids[owner]
        body = next((b for b in bodies if b.get("unit_id") == ids["unit_id"]), None)
        if body is None:
            world.notes.append(f"no meeting body of the {owner} unit")
            continue
        ids["body_id"] = body["id"]
        meeting = await world.make(
            f"the {owner} meeting",
            "meetings-api",
            "/api/v1/meetings",
            {
                "body_id": body["id"],
                "title": f"矩阵协调会-{owner}",
                "held_on": "2019-06-20",
                "topic_days": 10,
                "agenda_days": 7,
                "circulation_days": 3,
            },
        )
        if meeting is None:
            continue
        ids["meeting_id"] = meeting
        submitter = principals.principal("reporter", uuid.uuid4(), uuid.UUID(ids["unit_id"]))
        headers = principals.headers_for(principals.mint(platform, submitter))
        topic: dict[str, Any] = {
            "category": "land-and-demolition",
            "title": f"矩阵议题-{owner}",
            "description": "南岸 32 户未签约，影响主墩施工。",
            "proposed_solution": "请联合督导征迁。",
        }
        if "project_id" in ids:
            topic["project_ids"] = [ids["project_id"]]
        made_topic = await world.make(
            f"the {owner} topic", "meetings-api", f"/api/v1/meetings/{meeting}/topics", topic, headers
        )
        if made_topic is None and "project_ids" in topic:
            del topic["project_ids"]
            made_topic = await world.make(
                f"the {owner} topic (no project)",
                "meetings-api",
                f"/api/v1/meetings/{meeting}/topics",
                topic,
                headers,
            )
        if made_topic:
            ids["topic_id"] = made_topic


async def build_resolutions(world: World) -> None:
    """A resolution (and a unit's feedback on it) for each owner: a second meeting of the owner's body, taken
    through agenda, approval, circulation and holding on a short timetable (3 June 2019, before any deadline
    of the matrix's own meetings), with the clock moved and put back to the matrix's instant afterwards."""
    from gongjian_meetings.deadlines.jobs import run_due

    platform, clock = world.platform, world.clock
    now = clock.now()
    meetings: dict[str, str] = {}
    for owner in OWNERS:
        body_id = world.ids[owner].get("body_id")
        if body_id is None:
            continue
        made = await world.make(
            f"the {owner} meeting for a resolution",
            "meetings-api",
            "/api/v1/meetings",
            {
                "body_id": body_id,
                "title": f"矩阵决议会-{owner}",
                "held_on": "2019-06-03",
                "topic_days": 3,
                "agenda_days": 2,
                "circulation_days": 1,
            },
        )
        if made:
            meetings[owner] = made

    def as_(kind: str, unit_id: str | None = None) -> dict[str, str]:
        who = world.principals[kind]
        if unit_id is not None:
            who = principals.principal(kind, uuid.uuid4(), uuid.UUID(unit_id))
        return principals.headers_for(principals.mint(platform, who))

    async def step(owner: str, what: str, path: str, headers: dict[str, str], body: Any) -> Any:
        response = await world.call("meetings-api", "POST", path, headers, json=body)
        if response.status_code not in (200, 201):
            world.notes.append(
                f"resolution of the {owner} unit, {what}: {response.status_code} {response.text[:200]}"
            )
            meetings.pop(owner, None)
            return None
        return response.json()

    try:
        clock.set(now.replace(month=6, day=1))
        await run_due(platform.context("meetings-api").sessionmaker, clock, 500)
        for owner, meeting in list(meetings.items()):
            base = f"/api/v1/meetings/{meeting}/agenda"
            await step(owner, "submit", f"{base}/submit", as_("office"), {})
            if owner in meetings:
                await step(owner, "approve", f"{base}/approve", as_("convener"), None)
            if owner in meetings:
                await step(owner, "circulate", f"{base}/circulate", as_("office"), None)
        clock.set(now.replace(month=6, day=3))
        await run_due(platform.context("meetings-api").sessionmaker, clock, 500)
        for owner, meeting in list(meetings.items()):
            unit = world.ids[owner]["unit_id"]
            attendance = {"attendance": [{"unit_id": unit, "attendee": "矩阵出席人"}]}
            if (
                await step(owner, "hold", f"/api/v1/meetings/{meeting}/hold", as_("office"), attendance)
                is None
            ):
                continue
            resolution = await step(
                owner,
                "resolve",
                f"/api/v1/meetings/{meeting}/resolutions",
                as_("office"),
                {"text": f"{UNIT_NAMES[owner]}牵头完成征迁。", "lead_unit_id": unit, "due_on": "2019-06-30"},
            )
            if resolution is None:
                continue
            world.ids[owner]["resolution_id"] = resolution["id"]
            feedback = await step(
                owner,
                "feedback",
                f"/api/v1/resolutions/{resolution['id']}/feedback",
                as_("reporter", unit),
                generated(
                    platform, "meetings-api", "post", "/api/v1/resolutions/{resolution_id}/feedback", {}
                ),
            )
            if feedback is not None:
                world.ids[owner]["feedback_id"] = feedback["id"]
    finally:
        clock.set(now)


async def build_people(world: World) -> None:
    """A contact (联络员) of each owner unit, which the notifier's directory knows as a person."""

    for owner in OWNERS:
        unit_id = world.ids[owner]["unit_id"]
        path = f"/api/v1/units/{unit_id}"
        current = await world.call("projects-api", "GET", path)
        contacts = [
            {key: contact.get(key) for key in ("role", "name", "phone") if contact.get(key)}
            for contact in current.json().get("contacts", [])
        ]
        contacts.append({"role": "liaison", "name": f"矩阵联络员{owner}", "phone": "0915-3210001"})
        response = await world.call(
            "projects-api",
            "PATCH",
            path,
            headers=world.office_headers | {"If-Match": current.headers.get("ETag", "")},
            json={"contacts": contacts},
        )
        if response.status_code != 200:
            world.notes.append(f"could not add a contact to the {owner} unit: {response.text[:200]}")
            continue
        person = next(c for c in response.json()["contacts"] if c["name"] == f"矩阵联络员{owner}")["id"]

        async def known(person_id: str = person) -> bool:
            response = await world.call(
                "notifier", "GET", f"/api/v1/notification-preferences/people/{person_id}"
            )
            return response.status_code == 200

        try:
            await eventually(known, timeout=20, what=f"the {owner} contact in the notifier's directory")
            world.ids[owner]["person_id"] = person
        except AssertionError as exc:
            world.notes.append(str(exc))


async def build_scoring(world: World) -> None:
    """The seeded rule set, an assessment published by the office, and a judgement on each owner unit."""
    platform = world.platform
    world.shared |= {"rule_set_id": "2019-county", "rule_set": "2019-county"}
    try:
        body = generated(platform, "scoring-worker", "post", "/api/v1/scoring/assessments", world.shared)
        assessment = await world.make("an assessment", "scoring-worker", "/api/v1/scoring/assessments", body)
        if assessment:
            world.shared["assessment_id"] = assessment
    except KeyError:
        pass
    template = "/api/v1/scoring/units/{unit_id}/judgements"
    for owner in OWNERS:
        ids = world.ids[owner]
        try:
            body = generated(platform, "scoring-worker", "post", template, ids)
        except KeyError:
            continue
        judgement = await world.make(
            f"the {owner} judgement", "scoring-worker", template.format(unit_id=ids["unit_id"]), body
        )
        if judgement:
            ids["judgement_id"] = judgement
