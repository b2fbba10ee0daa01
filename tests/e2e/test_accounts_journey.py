"""End to end, the acceptance journey of people and access (issue 9): from `gongjian dev` as a real process,
over HTTP only, the admin creates a 汉滨区 reporter, a 宁陕县 reporter and a 汉滨区 liaison; each signs in, must
change the one-time password first, and then works in its own unit only. Neither reporter can read, list, modify
or report on the other's project (404, and the list does not hold it); the liaison reads but cannot write (403).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e.test_dev_platform import DevServer

ADMIN_PASSWORD = "e2e-admin-password"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(tmp_path, {"GONGJIAN_ADMIN_PASSWORD": ADMIN_PASSWORD})
    try:
        server.wait_healthy()
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


@dataclass
class Person:
    username: str
    password: str
    token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def problem_type(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    kind: str = response.json()["type"]
    return kind


class Journey:
    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.admin = Person("admin", ADMIN_PASSWORD)
        self.admin.token = self.sign_in(self.admin).json()["access_token"]

    def sign_in(self, person: Person) -> httpx.Response:
        return self.http.post(
            "/api/v1/auth/token", data={"username": person.username, "password": person.password}
        )

    def units(self) -> dict[str, str]:
        response = self.http.get("/api/v1/units", params={"limit": 500}, headers=self.admin.headers)
        assert response.status_code == 200, response.text
        return {unit["name"]: unit["id"] for unit in response.json()["items"]}

    def create_account(self, unit_id: str, role: str) -> Person:
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        response = self.http.post(
            "/api/v1/accounts",
            json={
                "username": username,
                "display_name": f"{role} {username}",
                "unit_id": unit_id,
                "roles": [role],
            },
            headers=self.admin.headers,
        )
        assert response.status_code == 201, response.text
        account = response.json()
        assert account["initial_password"], account  # generated, shown once
        return Person(username, account["initial_password"])

    def first_sign_in(self, person: Person) -> None:
        """Sign in with the one-time password; everything but the password change is refused until then."""
        response = self.sign_in(person)
        assert response.status_code == 200, response.text
        person.token = response.json()["access_token"]
        refused = self.http.get("/api/v1/projects", headers=person.headers)
        assert refused.status_code == 403, refused.text
        assert problem_type(refused).endswith("password-change-required")
        new_password = f"Journey-{uuid.uuid4().hex[:12]}"
        changed = self.http.post(
            "/api/v1/auth/password",
            json={"current_password": person.password, "new_password": new_password},
            headers=person.headers,
        )
        assert changed.status_code == 204, changed.text
        person.password = new_password
        assert self.sign_in(Person(person.username, "the-old-one-time-password")).status_code == 401
        again = self.sign_in(person)
        assert again.status_code == 200, again.text
        person.token = again.json()["access_token"]
        me = self.http.get("/api/v1/auth/me", headers=person.headers)
        assert me.status_code == 200, me.text

    def open_this_month(self) -> tuple[int, int]:
        """The office opens this month's reporting window now (by default it opens on the 25th)."""
        now = datetime.now(SHANGHAI)
        year, month = now.year, now.month
        path = f"/api/v1/progress-reports/months/{year}/{month}"
        current = self.http.get(path, headers=self.admin.headers)
        assert current.status_code == 200, current.text
        if current.json()["state"] != "open":
            window = {
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=7)).isoformat(),
                "reminder_at": (now + timedelta(days=5)).isoformat(),
                "cut_off_at": (now + timedelta(days=12)).isoformat(),
            }
            response = self.http.put(
                path, json=window, headers=self.admin.headers | {"If-Match": current.headers["ETag"]}
            )
            assert response.status_code == 200, response.text
            assert response.json()["state"] == "open"
        return year, month

    def register(self, person: Person, unit_id: str, year: int, expect: int = 201) -> dict[str, Any]:
        response = self.http.post(
            "/api/v1/projects",
            json={
                "year": year,
                "kind": "key",
                "name": f"旅程项目-{uuid.uuid4().hex[:6]}",
                "unit_id": unit_id,
                "plan_category": "new-start",
                "total_investment_10k": "50000",
                "planned_investment_10k": "12000",
                "planned_start": f"{year}-03-01",
                "planned_completion": f"{year + 1}-12-31",
            },
            headers=person.headers,
        )
        assert response.status_code == expect, response.text
        project: dict[str, Any] = response.json()
        return project

    def report(self, person: Person, project_id: str, year: int, month: int) -> httpx.Response:
        return self.http.post(
            f"/api/v1/projects/{project_id}/progress-reports",
            json={
                "year": year,
                "month": month,
                "completed_10k": "800",
                "cumulative_10k": "800",
                "physical_progress": "桩基施工",
                "image_progress_percent": "12",
            },
            headers=person.headers,
        )

    def listed(self, person: Person) -> set[str]:
        response = self.http.get("/api/v1/projects", params={"limit": 500}, headers=person.headers)
        assert response.status_code == 200, response.text
        return {project["id"] for project in response.json()["items"]}

    def patch(self, person: Person, project_id: str, etag: str) -> httpx.Response:
        return self.http.patch(
            f"/api/v1/projects/{project_id}",
            json={"name": f"改名-{uuid.uuid4().hex[:4]}"},
            headers=person.headers | {"If-Match": etag},
        )


def test_county_staff_sign_in_and_work_only_in_their_own_unit(dev_server: DevServer) -> None:
    journey = Journey(dev_server.base)
    units = journey.units()
    hanbin, ningshan = units["汉滨区"], units["宁陕县"]

    # the admin creates the accounts; each gets a one-time password
    hanbin_reporter = journey.create_account(hanbin, "reporter")
    ningshan_reporter = journey.create_account(ningshan, "reporter")
    hanbin_liaison = journey.create_account(hanbin, "liaison")

    # each signs in, is held at the password change, changes it, signs in again
    for person in (hanbin_reporter, ningshan_reporter, hanbin_liaison):
        journey.first_sign_in(person)

    # each reporter registers its own project and reports the open month on it
    year, month = journey.open_this_month()
    own = {
        "hanbin": journey.register(hanbin_reporter, hanbin, year),
        "ningshan": journey.register(ningshan_reporter, ningshan, year),
    }
    for person, key in ((hanbin_reporter, "hanbin"), (ningshan_reporter, "ningshan")):
        reported = journey.report(person, own[key]["id"], year, month)
        assert reported.status_code == 201, reported.text
        assert reported.json()["status"] == "submitted"
        read = journey.http.get(f"/api/v1/projects/{own[key]['id']}", headers=person.headers)
        assert read.status_code == 200, read.text
        assert own[key]["id"] in journey.listed(person)

    # neither reporter reaches the other's project: read, list, modify, report all answer as if it did not exist
    for person, theirs in ((hanbin_reporter, own["ningshan"]), (ningshan_reporter, own["hanbin"])):
        project_id = theirs["id"]
        read = journey.http.get(f"/api/v1/projects/{project_id}", headers=person.headers)
        assert read.status_code == 404, read.text
        assert project_id not in journey.listed(person)
        assert journey.patch(person, project_id, '"1"').status_code == 404
        assert journey.report(person, project_id, year, month).status_code == 404
        reports = journey.http.get(f"/api/v1/projects/{project_id}/progress-reports", headers=person.headers)
        assert reports.status_code == 404, reports.text

    # the 汉滨区 liaison reads its unit's project but cannot write it; 宁陕县's stays hidden
    hanbin_project = own["hanbin"]["id"]
    read = journey.http.get(f"/api/v1/projects/{hanbin_project}", headers=hanbin_liaison.headers)
    assert read.status_code == 200, read.text
    assert hanbin_project in journey.listed(hanbin_liaison)
    assert own["ningshan"]["id"] not in journey.listed(hanbin_liaison)
    reports = journey.http.get(
        f"/api/v1/projects/{hanbin_project}/progress-reports", headers=hanbin_liaison.headers
    )
    assert reports.status_code == 200, reports.text
    assert len(reports.json()["items"] if isinstance(reports.json(), dict) else reports.json()) == 1
    modified = journey.patch(hanbin_liaison, hanbin_project, read.headers.get("ETag", '"1"'))
    assert modified.status_code == 403, modified.text
    assert journey.report(hanbin_liaison, hanbin_project, year, month).status_code == 403
    journey.register(hanbin_liaison, hanbin, year, expect=403)
    hidden = journey.http.get(f"/api/v1/projects/{own['ningshan']['id']}", headers=hanbin_liaison.headers)
    assert hidden.status_code == 404, hidden.text

    code = dev_server.stop()
    assert code == 0, dev_server.log.read_text(errors="replace")[-4000:]
