"""The web console in a real browser (issue 13): Debian's Chromium driven by playwright-core, against the platform
as `make dev` runs it (`gongjian dev` on a free port, serving the built web/dist).

Each journey runs web/e2e/journeys.mjs, which saves screenshots of its main steps under web/test-results/<journey>/
(and a Playwright trace there when it fails) and answers what it saw; this module checks that against the API and
asserts no serious or critical axe-core violation on the pages it visited. A missing Chromium fails, never skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from e2e.test_accounts_journey import ADMIN_PASSWORD, SHANGHAI, Journey, Person
from e2e.test_dev_platform import DevServer

from support.reports import report
from support.servers import STARTED

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
OUTPUT = WEB / "test-results"
CHROMIUM = Path("/usr/bin/chromium")
SECTION = "web console"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Console:
    server: DevServer
    journey: Journey
    units: dict[str, str]
    office: Person
    year: int
    shared: dict[str, Any] = field(default_factory=dict)


def _run(command: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def built() -> Path:
    """web/dist as `make dev` builds it (again only when the sources changed), and its initial JS printed."""
    if shutil.which("npm") is None:
        pytest.fail("Node.js 20 with npm is needed for the web console (see README.md)")
    _run(["make", "--no-print-directory", "web"], REPO, timeout=900)
    size = _run(["node", "scripts/size.mjs"], WEB, timeout=60).strip()
    report(SECTION, "build", size)
    return WEB / "dist"


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `make browser` installs Debian's chromium (make test runs it)"
        )
    STARTED["Chromium"] = _run([str(CHROMIUM), "--version"], REPO, timeout=60).strip() + " (Debian, headless)"
    return CHROMIUM


@pytest.fixture(scope="module")
def console(built: Path, chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    server = DevServer(tmp_path_factory.mktemp("web-console"), {"GONGJIAN_ADMIN_PASSWORD": ADMIN_PASSWORD})
    try:
        server.wait_healthy()
        assert "web console: http" in server.log.read_text(), server.log.read_text()[-2000:]
        journey = Journey(server.base)
        office = _office_account(journey)
        year = datetime.now(SHANGHAI).year
        yield Console(server, journey, journey.units(), office, year)
    finally:
        if server.process.poll() is None:
            server.stop()


def _office_account(journey: Journey) -> Person:
    """A person of the joint-meeting office (no unit), past the first sign-in's password change."""
    username = f"office-{uuid.uuid4().hex[:6]}"
    created = journey.http.post(
        "/api/v1/accounts",
        json={"username": username, "display_name": "办公室 王主任", "unit_id": None, "roles": ["office"]},
        headers=journey.admin.headers,
    )
    assert created.status_code == 201, created.text
    office = Person(username, created.json()["initial_password"])
    journey.first_sign_in(office)
    return office


def run_journey(script: str, name: str, data: dict[str, Any], timeout: float = 240) -> dict[str, Any]:
    """Runs journey `name` of web/e2e/`script` in Chromium (browser.mjs's runJourney) with `data` as its input;
    fails with its error, its screenshots and trace staying in the output."""
    done = subprocess.run(
        ["node", f"e2e/{script}", name],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "E2E": json.dumps({"out": str(OUTPUT)} | data)},
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"{name} printed no result:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    trace = OUTPUT / name / "trace.zip"
    assert done.returncode == 0 and "error" not in result, f"{name}: {result.get('error')} (trace: {trace})"
    assert result["console_errors"] == [], result["console_errors"]
    return result


def _journey(console: Console, name: str, **data: Any) -> dict[str, Any]:
    return run_journey("journeys.mjs", name, {"base": console.server.base} | data)


def _assert_accessible(result: dict[str, Any]) -> None:
    """No serious or critical axe-core violation on any page the journey checked."""
    found = {page: violations for page, violations in result["axe"].items() if violations}
    report(
        SECTION, f"axe-core ({result['journey']})", json.dumps(found, ensure_ascii=False) if found else "none"
    )
    assert result["axe"], "the journey checked no page"
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def _project(console: Console, unit: str, name: str) -> dict[str, Any]:
    year = console.year
    response = console.journey.http.post(
        "/api/v1/projects",
        json={
            "year": year,
            "kind": "key",
            "name": name,
            "unit_id": console.units[unit],
            "plan_category": "new-start",
            "total_investment_10k": "50000",
            "planned_investment_10k": "12000",
            "planned_by_month": ["1000"] * 12,
            "planned_start": f"{year}-03-01",
            "planned_completion": f"{year + 1}-12-31",
        },
        headers=console.office.headers,
    )
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()
    return project


def _photo(folder: Path) -> Path:
    """A small real PNG (a site photo stand-in): 8x8 pixels of the console's blue."""
    rows = b"".join(b"\0" + bytes([11, 58, 117]) * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path = folder / "现场照片.png"
    path.write_bytes(png)
    return path


def test_the_office_creates_a_county_reporter_publishes_the_plan_and_opens_the_month(
    console: Console,
) -> None:
    _project(console, "汉滨区", "汉滨区城东污水处理厂")
    username = f"hb-reporter-{uuid.uuid4().hex[:4]}"
    result = _journey(
        console,
        "office-sets-up-the-month",
        office={"username": console.office.username, "password": console.office.password},
        county="汉滨区",
        reporter={"username": username, "display_name": "张三"},
    )
    _assert_accessible(result)
    http, admin = console.journey.http, console.journey.admin.headers
    accounts = http.get("/api/v1/accounts", params={"q": username}, headers=admin).json()["items"]
    assert [(a["username"], a["unit_id"], a["roles"]) for a in accounts] == [
        (username, console.units["汉滨区"], ["reporter"])
    ]
    assert re.fullmatch(r"\S{10,}", result["reporter_password"]), result["reporter_password"]
    assert console.journey.sign_in(Person(username, result["reporter_password"])).status_code == 200
    plan = http.get(f"/api/v1/plans/{console.year}/key-projects", headers=admin).json()
    assert plan["published_at"] is not None
    now = datetime.now(SHANGHAI)
    month = http.get(f"/api/v1/progress-reports/months/{now.year}/{now.month}", headers=admin).json()
    assert month["state"] == "open"
    console.shared["reporter"] = Person(username, result["reporter_password"])


def test_the_reporter_changes_the_password_and_files_the_months_report_with_a_photo(
    console: Console, tmp_path: Path
) -> None:
    project = _project(console, "汉滨区", "汉滨区安康大道改造工程")
    reporter = console.shared.get("reporter") or console.journey.create_account(
        console.units["汉滨区"], "reporter"
    )
    year, month = console.journey.open_this_month()
    photo = _photo(tmp_path)
    new_password = f"Web-{uuid.uuid4().hex[:12]}"
    result = _journey(
        console,
        "reporter-files-the-month",
        reporter={"username": reporter.username, "password": reporter.password},
        new_password=new_password,
        project_name=project["name"],
        completed="800.50",
        photo=str(photo),
        photo_name=photo.name,
    )
    _assert_accessible(result)
    reporter.password = new_password
    signed_in = console.journey.sign_in(reporter)
    assert signed_in.status_code == 200, signed_in.text
    reporter.token = signed_in.json()["access_token"]
    http = console.journey.http
    reports = http.get(
        f"/api/v1/projects/{project['id']}/progress-reports", params={"year": year}, headers=reporter.headers
    ).json()["items"]
    assert [(r["month"], r["completed_10k"], r["status"]) for r in reports] == [
        (month, "800.50", "submitted")
    ]
    evidence = http.get(
        f"/api/v1/progress-reports/{reports[0]['id']}/evidence", headers=reporter.headers
    ).json()
    assert [(e["file_name"], e["size"]) for e in evidence] == [(photo.name, photo.stat().st_size)]
    console.shared["filed"] = (reporter, project, reports[0])


def test_the_office_returns_the_report_and_the_reporter_corrects_and_resubmits_it(console: Console) -> None:
    filed = console.shared.get("filed")
    assert filed, "needs the report filed by the journey before (test_the_reporter_changes_the_password_...)"
    reporter, project, filed_report = filed
    reason = "累计数与台账不符，请核实"
    result = _journey(
        console,
        "returned-and-resubmitted",
        office={"username": console.office.username, "password": console.office.password},
        reporter={"username": reporter.username, "password": reporter.password},
        project_name=project["name"],
        reason=reason,
        corrected="820.00",
    )
    _assert_accessible(result)
    http = console.journey.http
    report_now = http.get(
        f"/api/v1/progress-reports/{filed_report['id']}", headers=console.office.headers
    ).json()
    assert (report_now["status"], report_now["completed_10k"]) == ("submitted", "820.00")
    history = http.get(
        f"/api/v1/progress-reports/{filed_report['id']}/history", headers=console.office.headers
    ).json()
    assert reason in json.dumps(history, ensure_ascii=False)


def _wan(amount: Decimal) -> str:
    """An amount as the console's formatWan shows it (zh-CN grouping, two decimals)."""
    return f"{amount:,.2f} 万元"


def test_the_county_reviewer_passes_the_report_and_the_office_accepts_it(console: Console) -> None:
    filed = console.shared.get("filed")
    assert filed, (
        "needs the report resubmitted by the journey before (test_the_office_returns_the_report_...)"
    )
    _, project, filed_report = filed
    http, office = console.journey.http, console.office.headers
    path = f"/api/v1/statistics/{console.year}/city"
    month = {"month": filed_report["month"]}
    before = Decimal(http.get(path, params=month, headers=office).json()["completed_year_to_date_10k"])
    reviewer = console.journey.create_account(console.units["汉滨区"], "reviewer")
    console.journey.first_sign_in(reviewer)
    result = _journey(
        console,
        "reviewed-and-accepted",
        office={"username": console.office.username, "password": console.office.password},
        reviewer={"username": reviewer.username, "password": reviewer.password},
        project_name=project["name"],
    )
    _assert_accessible(result)
    accepted = http.get(f"/api/v1/progress-reports/{filed_report['id']}", headers=office).json()
    assert accepted["status"] == "accepted"
    after = Decimal(http.get(path, params=month, headers=office).json()["completed_year_to_date_10k"])
    assert after == before + Decimal(accepted["completed_10k"])
    assert (result["figure_before"], result["figure_after"]) == (_wan(before), _wan(after))
    assert result["chart_changed"] is True


def test_a_second_countys_reporter_sees_none_of_the_first_countys_projects(console: Console) -> None:
    first = [_project(console, "汉滨区", f"汉滨区重点项目{n}") for n in range(2)]
    own = _project(console, "宁陕县", "宁陕县旅游公路")
    reporter = console.journey.create_account(console.units["宁陕县"], "reporter")
    console.journey.first_sign_in(reporter)
    result = _journey(
        console,
        "second-county-sees-none",
        reporter={"username": reporter.username, "password": reporter.password},
        own_project=own["name"],
        foreign_project_id=first[0]["id"],
        foreign_project_name=first[0]["name"],
    )
    assert own["name"] in result["listed"]
    assert not {project["name"] for project in first} & set(result["listed"])
    assert all(name.startswith("宁陕县") for name in result["listed"]), result["listed"]
    assert result["foreign_name_shown"] == 0


def test_the_dashboard_loads_and_is_accessible(console: Console) -> None:
    tokens = console.journey.sign_in(console.office).json()
    result = _journey(
        console,
        "dashboard-first-load",
        tokens={"access": tokens["access_token"], "refresh": tokens.get("refresh_token")},
    )
    _assert_accessible(result)
    navigation = result["navigation"]
    report(
        SECTION,
        "dashboard first load",
        f"{result['load_ms']} ms to interactive (data loaded, chart drawn; empty cache, loopback);"
        f" DOM interactive at {navigation['dom_interactive_ms']} ms",
    )
    assert result["completed_ytd"].endswith("万元")


def test_the_consoles_own_logic_passes_its_unit_tests(built: Path) -> None:
    # CI may force colours on (FORCE_COLOR), which puts escape codes between the words: read the plain text.
    output = ANSI_ESCAPE.sub("", _run(["npx", "--no-install", "vitest", "run"], WEB, timeout=300))
    assert re.search(r"Tests\s+\d+ passed", output), output
