"""Exchange by file with the provincial platform (issue 14, section 2): a realistic generated export of 200
projects over three months imports as staged batches, is matched by code (old-shape codes too), reconciled and
applied exactly, checked against the database; importing it all again changes nothing; the office alone may."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from integration.projects.registry_support import account, assert_problem, count, unit_ids
from integration.projects.test_annex2_plan_statistics import upload, workbook_of
from openpyxl import load_workbook
from sqlalchemy import text

from gongjian_projects.models import ProgressReport
from gongjian_projects.settings import ProvincialSettings
from gongjian_shared.auth import Role
from gongjian_shared.db import unit_of_work
from support.platform import Platform, platform_settings, region_of, running_platform
from support.provincial_export import GeneratedMonth, GenProject, generate_month

pytestmark = pytest.mark.asyncio

YEAR, MONTHS, TOLERANCE = 2021, (1, 2, 3), Decimal(5)
UNITS = ("汉滨区", "汉阴县", "紫阳县", "岚皋县", "白河县", "市水利局")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCHES = "/api/v1/provincial/batches"


@pytest.fixture
async def office(database_url: str) -> AsyncIterator[Platform]:
    """The platform with a tolerance of 5 万元 and a 300 kB limit on provincial files."""
    provincial = ProvincialSettings(tolerance_10k=TOLERANCE, max_file_bytes=300_000)
    settings = platform_settings(database_url, overrides={"projects-api": {"provincial": provincial}})
    async with running_platform(settings) as running:
        await running.login()
        yield running


async def _register_plan(platform: Platform) -> None:
    """200 key projects of 2021 through the registry's own import; every 7th also with its pre-2020 code."""
    units = await unit_ids(platform)
    rows, legacy = [], []
    for serial in range(1, 201):
        name = UNITS[serial % len(UNITS)]
        region = await region_of(platform, units[name])
        rows.append(
            [
                f"{name}重点项目{serial}",
                "重点",
                f"2103-{region}-48-01-{serial:06d}",
                name,
                "续建",
                90000,
                24000,
            ]
        )
        if serial % 7 == 0:
            legacy.append((f"2103-{region}-48-01-{serial:06d}", f"2019-{region}-48-01-{serial:06d}"))
    imported = await platform.client.post(
        "/api/v1/projects/import", params={"year": YEAR}, files=upload(workbook_of(rows))
    )
    assert imported.status_code == 201, imported.text[:2000]
    for code, old in legacy:
        project = (await platform.client.get(f"/api/v1/projects/by-code/{code}")).json()
        patched = await platform.client.patch(
            f"/api/v1/projects/{project['id']}", json={"legacy_code": old}, headers={"If-Match": '"1"'}
        )
        assert patched.status_code == 200, patched.text


async def _our_reports(platform: Platform, unreported_in_march: int) -> list[GenProject]:
    """The units' own accepted reports of the three months (written as the review leaves them); the first
    `unreported_in_march` projects have not reported March."""
    rng, now, someone = random.Random(2021), datetime(2021, 4, 6, tzinfo=UTC), uuid.uuid4()
    projects: list[GenProject] = []
    async with unit_of_work(platform.context("projects-api").sessionmaker) as session:
        entries = (
            await session.execute(
                text(
                    "SELECT id, unit_id, code, legacy_code, name FROM projects.projects WHERE year = :year ORDER BY code"
                ),
                {"year": YEAR},
            )
        ).all()
        for position, (project_id, unit_id, code, legacy_code, name) in enumerate(entries):
            completed = {m: Decimal(rng.randint(1, 300000)) / 100 for m in MONTHS}
            cumulative, total = {}, Decimal(10000)
            for month in MONTHS:
                total += completed[month]
                cumulative[month] = total
                if month == 3 and position < unreported_in_march:
                    continue
                session.add(_report(project_id, unit_id, month, completed[month], total, someone, now))
            projects.append(
                GenProject(code, legacy_code, name, Decimal(90000), Decimal(24000), completed, cumulative)
            )
    return projects


def _report(
    project_id: Any,
    unit_id: Any,
    month: int,
    completed: Decimal,
    cumulative: Decimal,
    who: uuid.UUID,
    at: datetime,
) -> ProgressReport:
    return ProgressReport(
        project_id=project_id,
        unit_id=unit_id,
        year=YEAR,
        month=month,
        completed_10k=completed,
        cumulative_10k=cumulative,
        physical_progress="主体施工",
        image_progress_percent=Decimal(30),
        status="accepted",
        submitted_by=who,
        submitted_at=at,
        accepted_by=who,
        accepted_at=at,
    )


async def _figures(platform: Platform, month: int) -> dict[str, tuple[Decimal, Decimal]]:
    """The province's figures recorded for the month, by the project's registered code."""
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT p.code, f.completed_10k, f.cumulative_10k FROM projects.provincial_figures f "
                "JOIN projects.projects p ON p.id = f.project_id WHERE f.year = :year AND f.month = :month"
            ),
            {"year": YEAR, "month": month},
        )
        return {code: (completed, cumulative) for code, completed, cumulative in rows}


async def _state(platform: Platform) -> tuple[Any, ...]:
    """Everything the exchange may touch: figures, ledger items, events, batches, and the units' reports."""
    async with platform.context("projects-api").sessionmaker() as session:
        queries = (
            "SELECT project_id, year, month, completed_10k, cumulative_10k, revision, obstacle_id FROM "
            "projects.provincial_figures ORDER BY project_id, month",
            "SELECT count(*) FROM projects.obstacles",
            "SELECT count(*) FROM projects.outbox",
            "SELECT count(*), count(applied_at) FROM projects.provincial_batches",
            "SELECT count(*), count(applied_at) FROM projects.provincial_rows",
            "SELECT project_id, month, completed_10k, cumulative_10k, revision FROM projects.progress_reports "
            "ORDER BY project_id, month",
        )
        state = []
        for query in queries:
            state.append([tuple(row) for row in (await session.execute(text(query))).all()])
        return tuple(state)


def _file(month: GeneratedMonth) -> dict[str, Any]:
    media = "text/csv" if month.filename.endswith(".csv") else XLSX
    return {"file": (month.filename, month.content, media)}


async def _stage_and_apply(platform: Platform, generated: GeneratedMonth, reported: set[str]) -> None:
    client, expected = platform.client, generated.expected
    staged = await client.post(
        BATCHES, params={"year": YEAR, "month": generated.month}, files=_file(generated)
    )
    assert staged.status_code == 201, staged.text[:3000]
    batch = staged.json()
    assert batch["counts"] == {
        "rows": expected.rows,
        "matched": expected.matched,
        "unmatched": expected.unmatched,
        "ambiguous": expected.ambiguous,
        "invalid": expected.invalid,
        "with_problems": expected.with_problems,
        "applicable": len(expected.applicable),
        "applied": 0,
    }
    assert len(batch["unmatched"]) == expected.unmatched and len(batch["ambiguous"]) == expected.ambiguous
    problems = [problem for row in batch["rows"] for problem in row["problems"]]
    assert len(problems) == expected.with_problems
    assert all(
        p["message"].startswith(f"row {p['row']}, column {p['column']}") and p["message_zh"] for p in problems
    )
    assert await _figures(platform, generated.month) == {}  # staged: nothing in the registry yet

    beyond = expected.differs_beyond & reported
    applied = await client.post(f"{BATCHES}/{batch['id']}/apply", json={})
    assert applied.status_code == 200, applied.text[:3000]
    assert applied.json() == {
        "batch_id": batch["id"],
        "changed": len(expected.applicable),
        "unchanged": 0,
        "ledger_items_opened": len(beyond),
    }
    assert await _figures(platform, generated.month) == expected.applicable
    sums = await count(
        platform,
        "SELECT sum(completed_10k) * 1000000 FROM projects.provincial_figures WHERE year = :y AND month = :m",
        y=YEAR,
        m=generated.month,
    )
    assert Decimal(sums) / 1000000 == sum(completed for completed, _ in expected.applicable.values())


async def test_a_generated_provincial_export_imports_reconciles_and_applies_exactly_and_twice_changes_nothing(
    office: Platform,
) -> None:
    client = office.client
    await _register_plan(office)
    projects = await _our_reports(office, unreported_in_march=5)
    assert sum(1 for project in projects if project.legacy_code) == 28
    unknown = [f"2103-610902-48-01-{900000 + n:06d}" for n in range(4)]
    months = [generate_month(projects, month, unknown) for month in MONTHS]
    reported = {m: {p.code for p in projects[(5 if m == 3 else 0) :]} for m in MONTHS}
    reports_before = await count(office, "SELECT sum(completed_10k) * 100 FROM projects.progress_reports")

    for generated in months:
        await _stage_and_apply(office, generated, reported[generated.month])
    legacy_applied = {p.code for p in projects if p.legacy_code} & set(months[0].expected.applicable)
    assert len(legacy_applied) >= 20  # rows under the old code matched the registered project
    opened = sum(len(m.expected.differs_beyond & reported[m.month]) for m in months)
    assert await count(office, "SELECT count(*) FROM projects.obstacles WHERE category = 'other'") == opened
    applied_events = sum(len(m.expected.applicable) for m in months)
    assert (
        await count(office, "SELECT count(*) FROM projects.outbox WHERE type = 'provincial-figures-applied'")
        == applied_events
    )
    assert (
        await count(office, "SELECT sum(completed_10k) * 100 FROM projects.progress_reports")
        == reports_before
    )

    # the same files again: the batches already staged, and applying them changes nothing
    before = await _state(office)
    for generated in months:
        again = await client.post(
            BATCHES, params={"year": YEAR, "month": generated.month}, files=_file(generated)
        )
        assert again.status_code == 200 and again.json()["duplicate"] is True, again.text[:500]
        reapplied = await client.post(f"{BATCHES}/{again.json()['id']}/apply", json={})
        assert reapplied.json()["changed"] == 0 and reapplied.json()["ledger_items_opened"] == 0
    assert await _state(office) == before

    await _check_march_reconciliation(office, months[2], projects, reported[3])
    await _check_export_round_trip(office)


async def _check_march_reconciliation(
    platform: Platform, march: GeneratedMonth, projects: list[GenProject], reported: set[str]
) -> None:
    applied = set(march.expected.applicable)
    differs = (march.expected.differs_within | march.expected.differs_beyond) & reported
    answer = await platform.client.get(f"/api/v1/provincial/reconciliation/{YEAR}/3")
    assert answer.status_code == 200, answer.text[:2000]
    report = answer.json()
    outcomes: dict[str, int] = {}
    for line in report["lines"]:
        outcomes[line["outcome"]] = outcomes.get(line["outcome"], 0) + 1
    assert outcomes == {
        "agrees": len((applied & reported) - differs),
        "differs": len(differs),
        "no-report": len(applied - reported),
        "no-provincial-figure": len(reported - applied),
    }
    beyond = [line for line in report["lines"] if line["beyond_tolerance"]]
    assert len(beyond) == len(march.expected.differs_beyond & reported)
    assert all(abs(Decimal(line["completed_difference_10k"])) > TOLERANCE for line in beyond)
    assert all(line["correct_on"] == "province" and line["responsible_unit_name"] for line in beyond)
    assert sum(unit["projects"] for unit in report["units"]) == 200
    assert sum(Decimal(u["province_completed_10k"]) for u in report["units"]) == sum(
        completed for completed, _ in march.expected.applicable.values()
    )
    units = await unit_ids(platform)
    one = (
        await platform.client.get(
            f"/api/v1/provincial/reconciliation/{YEAR}/3", params={"unit_id": units["汉阴县"]}
        )
    ).json()
    assert one["lines"] and {line["unit_name"] for line in one["lines"]} == {"汉阴县"}
    sheet = await platform.client.get(
        f"/api/v1/provincial/reconciliation/{YEAR}/3", params={"format": "xlsx"}
    )
    assert sheet.headers["content-type"] == XLSX
    assert load_workbook(BytesIO(sheet.content)).active.max_row == 201


async def _check_export_round_trip(platform: Platform) -> None:
    """Our January in the province's template, staged back: every plan project matches and, applied, agrees."""
    exported = await platform.client.get(f"/api/v1/provincial/export/{YEAR}/1")
    assert exported.status_code == 200 and exported.headers["content-type"] == XLSX
    files = {"file": ("export.xlsx", exported.content, XLSX)}
    staged = await platform.client.post(BATCHES, params={"year": YEAR, "month": 1}, files=files)
    assert staged.status_code == 201, staged.text[:2000]
    assert staged.json()["counts"]["applicable"] == 200
    assert (await platform.client.post(f"{BATCHES}/{staged.json()['id']}/apply", json={})).status_code == 200
    report = (await platform.client.get(f"/api/v1/provincial/reconciliation/{YEAR}/1")).json()
    assert {line["outcome"] for line in report["lines"]} == {"agrees"}


async def test_bad_files_and_rows_are_refused_and_change_nothing(office: Platform) -> None:
    client = office.client
    _, before = await _state(office), await count(office, "SELECT count(*) FROM projects.provincial_batches")
    junk = await client.post(
        BATCHES, params={"year": YEAR, "month": 1}, files={"file": ("x.xlsx", b"PK\x03\x04junk", XLSX)}
    )
    assert_problem(junk, 422, "file", "xlsx")
    headers = await client.post(
        BATCHES,
        params={"year": YEAR, "month": 1},
        files={"file": ("x.csv", "甲,乙\n1,2\n".encode(), "text/csv")},
    )
    assert_problem(headers, 422, "file", "template")
    large = await client.post(
        BATCHES, params={"year": YEAR, "month": 1}, files={"file": ("x.csv", b"a" * 300_001, "text/csv")}
    )
    assert large.status_code == 413 and large.json()["errors"][0]["field"] == "file"
    assert await count(office, "SELECT count(*) FROM projects.provincial_batches") == before

    csv_text = (
        "项目代码,项目名称,总投资（元）,本月完成投资,累计完成投资\n2103-610902-48-01-000001,甲,123.456,1,2\n"
    )
    staged = await client.post(
        BATCHES, params={"year": YEAR, "month": 1}, files={"file": ("p.csv", csv_text.encode(), "text/csv")}
    )
    assert staged.status_code == 201, staged.text
    [row] = staged.json()["rows"]
    assert [(p["column"], p["rule"]) for p in row["problems"]] == [("C", "precision")]
    assert row["match"] == "unmatched"
    refused = await client.post(f"{BATCHES}/{staged.json()['id']}/apply", json={"rows": [2]})
    assert_problem(refused, 409, "rows[0]", "applicable")
    missing = await client.post(f"{BATCHES}/{staged.json()['id']}/apply", json={"rows": [9]})
    assert_problem(missing, 409, "rows[0]", "exists")
    assert (await client.get(f"{BATCHES}/{uuid.uuid4()}")).status_code == 404
    assert await count(office, "SELECT count(*) FROM projects.provincial_figures") == 0


async def test_a_unit_reporter_is_refused_every_provincial_route(office: Platform) -> None:
    units = await unit_ids(office)
    reporter = await account(office, [Role.REPORTER], units["汉滨区"])
    csv_text = "项目代码,项目名称,总投资,本月完成投资,累计完成投资\n2103-610902-48-01-000001,甲,1,1,2\n"
    staged = await office.client.post(
        BATCHES, params={"year": YEAR, "month": 1}, files={"file": ("p.csv", csv_text.encode(), "text/csv")}
    )
    batch = staged.json()["id"]
    requests = [
        (
            "POST",
            BATCHES,
            {"params": {"year": YEAR, "month": 1}, "files": {"file": ("q.csv", b"x", "text/csv")}},
        ),
        ("GET", f"{BATCHES}/{batch}", {}),
        ("POST", f"{BATCHES}/{batch}/apply", {"json": {}}),
        ("GET", f"/api/v1/provincial/reconciliation/{YEAR}/1", {}),
        ("GET", f"/api/v1/provincial/export/{YEAR}/1", {}),
        ("GET", "/api/v1/provincial/templates", {}),
    ]
    for method, url, extra in requests:
        answer = await office.client.request(method, url, headers=reporter.headers, **extra)
        assert answer.status_code == 403, (url, answer.text)
    assert await count(office, "SELECT count(*) FROM projects.provincial_batches") == 1
