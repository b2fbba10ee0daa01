"""Many simulated users writing at a steady pace, each its own bounded loop on one shared httpx client: reporters
submit their projects' monthly progress reports (the office accepts each, and registers a new project when a
reporter has reported every month), liaisons submit topics, lead units give feedback on resolutions. Every
write answered 2xx goes into the ledger with the id it answered; the rest are counted, never retried blindly."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from soak.actors import call
from soak.world import COUNTIES, TOPIC, YEAR, World

MONTHS = 5  # January to May: past months the registry takes (late) in June


@dataclass
class Ledger:
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (kind, id) answered 2xx
    refused: Counter[str] = field(default_factory=Counter)  # kind and status of a 4xx/5xx answer
    failed: Counter[str] = field(default_factory=Counter)  # kind and error of a request with no answer

    def count(self) -> int:
        return len(self.acknowledged)


@dataclass
class Load:
    world: World
    client: httpx.AsyncClient
    deadline: float
    max_writes: int
    ledger: Ledger = field(default_factory=Ledger)
    pace: float = 0.4  # seconds between one user's writes
    users: int = 1  # reporters: each takes every users-th project

    def going(self) -> bool:
        return time.monotonic() < self.deadline and self.ledger.count() < self.max_writes

    async def write(
        self, kind: str, who: Any, method: str, service: str, path: str, **kw: Any
    ) -> tuple[int, Any]:
        """One write: (status or 0 when unanswered, its body when answered 2xx and ledgered, else None)."""
        await asyncio.sleep(self.pace * random.uniform(0.5, 1.5))
        try:
            response = await call(
                self.client, self.world.actors, who, method, self.world.url(service, path), **kw
            )
        except httpx.HTTPError as exc:
            self.ledger.failed[f"{kind}: {type(exc).__name__}"] += 1
            return 0, None
        if not 200 <= response.status_code < 300:
            self.ledger.refused[f"{kind}: {response.status_code}"] += 1
            return response.status_code, None
        body = response.json()
        self.ledger.acknowledged.append((kind, str(body["id"])))
        return response.status_code, body

    async def reporter(self, number: int) -> None:
        world, projects = self.world, self.world.projects[number :: self.users]
        queue = [(project, unit, 0) for project, unit in projects]
        while self.going() and queue:
            project, unit, done = queue.pop(0)
            reporter = world.actors.principal(f"reporter:{unit}", world.units[unit], "reporter")
            month = done + 1
            body = {"year": YEAR, "month": month, "completed_10k": "10", "cumulative_10k": str(10 * month)}
            body |= {"physical_progress": "主体施工", "image_progress_percent": str(10 * month)}
            path = f"/api/v1/projects/{project}/progress-reports"
            status, report = await self.write("report", reporter, "POST", "projects-api", path, json=body)
            if report is not None or await self.reported(project, month):
                done = month
                if report is not None:
                    path = f"/api/v1/progress-reports/{report['id']}/accept"
                    await self.write("acceptance", world.actors.office(), "POST", "projects-api", path)
            elif status == 409:
                done = MONTHS  # the month is closed to it (frozen once the clock jumped): a new project
            if done < MONTHS:
                queue.append((project, unit, done))
            elif self.going():
                queue.append((await self.new_project(unit), unit, 0))

    async def reported(self, project: str, month: int) -> bool:
        """Whether a report whose answer was lost was stored after all (so the next month can follow)."""
        path = self.world.url("projects-api", f"/api/v1/projects/{project}/progress-reports")
        try:
            response = await call(self.client, self.world.actors, self.world.actors.office(), "GET", path)
            items = response.json().get("items", []) if response.status_code == 200 else []
        except (httpx.HTTPError, ValueError):
            return False
        return any(item.get("year") == YEAR and item.get("month") == month for item in items)

    async def new_project(self, unit: str) -> str:
        """A project registered for `unit` by the office (a fresh name each try: an unanswered try may have
        been stored)."""
        while self.going():
            body = {"year": YEAR, "kind": "key", "name": f"浸泡新项目{random.getrandbits(40):x}"}
            body |= {"unit_id": self.world.units[unit], "total_investment_10k": "30000"}
            body |= {"planned_investment_10k": "500"}
            office = self.world.actors.office()
            _, project = await self.write(
                "project", office, "POST", "projects-api", "/api/v1/projects", json=body
            )
            if project is not None:
                return str(project["id"])
        return ""

    async def liaison(self, number: int) -> None:
        unit = COUNTIES[number % len(COUNTIES)]
        who = self.world.actors.principal(f"liaison:{unit}", self.world.units[unit], "liaison")
        path = f"/api/v1/meetings/{self.world.open_meeting}/topics"
        while self.going():
            await self.write(
                "topic", who, "POST", "meetings-api", path, json=TOPIC | {"title": f"浸泡议题{number}"}
            )

    async def lead(self, number: int) -> None:
        resolutions = list(self.world.resolutions.items())
        resolution, unit = resolutions[number % len(resolutions)]
        who = self.world.actors.principal(f"liaison:{unit}", self.world.units[unit], "liaison")
        body = {"text": "正在推进，本周完成过半。", "status": "in-progress"}
        while self.going():
            await self.write(
                "feedback",
                who,
                "POST",
                "meetings-api",
                f"/api/v1/resolutions/{resolution}/feedback",
                json=body,
            )

    async def run(self, users: int) -> Ledger:
        """`users` users in all: half reporters, a quarter liaisons, a quarter lead units."""
        reporters = max(1, users // 2)
        self.users = reporters
        others = users - reporters
        tasks = [self.reporter(n) for n in range(reporters)]
        tasks += [self.liaison(n) for n in range(others // 2)]
        tasks += [self.lead(n) for n in range(others - others // 2)]
        await asyncio.gather(*tasks)
        return self.ledger
