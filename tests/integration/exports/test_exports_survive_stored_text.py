"""Text stored before input was validated, holding every control character XML cannot hold, breaks no export.

The platform is filled through its API (units' projects, a held joint meeting with its topic and notices, an
account, scores); then, as data already stored, every text and JSON column of every service that holds one
of those texts gets the characters added by SQL. Every xlsx and docx route the four OpenAPI documents list
is downloaded as the office: 200, and the file opens, still showing the text.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from docx import Document
from integration.meetings.meetings_driver import LIAISON_UNIT, START, TOPIC, Meetings, held_meeting, prepare
from integration.ops.ops_support import settled
from integration.scoring.scoring_support import progress, publish, settle, unit_ids
from openpyxl import load_workbook
from sqlalchemy import text

from gongjian_meetings.settings import SchedulerSettings
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.projects import ProjectStarted
from gongjian_shared.office_text import docx_safe, xlsx_safe
from support.platform import Platform, platform_settings, region_of, running_platform

# every C0 control but tab, newline and carriage return (which the formats hold) and NUL (PostgreSQL refuses)
BAD = "".join(chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
SCHEMAS = {
    "projects-api": "projects",
    "meetings-api": "meetings",
    "scoring-worker": "scoring",
    "notifier": "notifier",
}
BUS_TABLES = ("outbox", "inbox", "bus_positions", "dead_letters", "alembic_version")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROJECTS = {"汉滨区": "汉滨区导出检查项目", "汉阴县": "汉阴县导出检查项目"}
ACCOUNT_NAME = "导出检查账号"
USERNAME = "export-check"


@pytest.fixture
async def meetings(database_url: str) -> AsyncIterator[Meetings]:
    clock = FrozenClock(START)
    settings = platform_settings(
        database_url, overrides={"meetings-api": {"scheduler": SchedulerSettings(enabled=False)}}
    )
    async with running_platform(settings, clock=clock) as platform:
        await platform.login()
        yield await prepare(platform, clock)
        await settle(platform, timeout=20)


async def scored_projects(platform: Platform) -> None:
    units = await unit_ids(platform, "county")
    for serial, (unit_name, name) in enumerate(PROJECTS.items(), start=1):
        response = await platform.client.post(
            "/api/v1/projects",
            json={
                "year": 2019,
                "kind": "key",
                "name": name,
                "code": f"2019-{await region_of(platform, units[unit_name])}-48-01-{serial:06d}",
                "unit_id": units[unit_name],
                "plan_category": "new-start",
                "total_investment_10k": "100000",
                "planned_investment_10k": "1000",
                "planned_start": None,
                "planned_completion": "2021-12-31",
            },
        )
        assert response.status_code == 201, response.text
        project, unit = response.json()["id"], units[unit_name]
        await publish(
            platform,
            progress(unit, project, 4, "600"),
            ProjectStarted(
                project_id=uuid.UUID(project),
                unit_id=uuid.UUID(unit),
                year=2019,
                started_on=date(2019, 3, 1),
                recognised_on=date(2019, 4, 1),
            ),
        )
    await settle(platform)


async def an_account(platform: Platform) -> None:
    units = await unit_ids(platform, "county")
    response = await platform.client.post(
        "/api/v1/accounts",
        json={
            "username": USERNAME,
            "display_name": ACCOUNT_NAME,
            "unit_id": units["汉滨区"],
            "roles": ["reporter"],
        },
    )
    assert response.status_code == 201, response.text


async def stored_texts(platform: Platform) -> list[str]:
    """What the exports show: the names and titles written above, and the notices' titles."""
    async with platform.context("notifier").sessionmaker() as session:
        query = (
            "SELECT DISTINCT n.title FROM notifier.notifications n "
            "JOIN notifier.deliveries d ON d.notification_id = n.id ORDER BY n.title"
        )
        titles = (await session.execute(text(query))).scalars()
        notices = [title for title in titles if title]
    assert notices, "the held meeting sent notices"
    topic = [TOPIC["title"], TOPIC["description"], TOPIC["proposed_solution"]]
    units = ["汉滨区", "汉阴县", LIAISON_UNIT]
    return [*units, *PROJECTS.values(), ACCOUNT_NAME, USERNAME, *topic, *notices]


async def taint(platform: Platform, service: str, texts: list[str]) -> int:
    """Every text and jsonb column of the service's tables holding one of `texts`: `=` and BAD put before it
    (so that, once the controls are stripped, the text would be a formula if written as it is)."""
    schema = SCHEMAS[service]
    as_json = json.dumps(BAD)[1:-1]
    changed = 0
    async with platform.context(service).sessionmaker.begin() as session:
        columns = await session.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = :schema AND data_type IN ('text', 'character varying', 'jsonb') "
                "ORDER BY table_name, column_name"
            ),
            {"schema": schema},
        )
        for table, column, data_type in columns.all():
            if table in BUS_TABLES:
                continue
            target = f'"{column}"' if data_type != "jsonb" else f'"{column}"::text'
            params: dict[str, str] = {}
            expression = target
            for index, found in enumerate(sorted(set(texts), key=len, reverse=True)):
                params[f"t{index}"] = found
                params[f"r{index}"] = "=" + (as_json if data_type == "jsonb" else BAD) + found
                expression = f"replace({expression}, :t{index}, :r{index})"
            if data_type == "jsonb":
                expression = f"({expression})::jsonb"
            matches = " OR ".join(f"strpos({target}, :t{i}) > 0" for i in range(len(texts)))
            result = await session.execute(
                text(f'UPDATE {schema}."{table}" SET "{column}" = {expression} WHERE {matches}'), params
            )
            changed += int(getattr(result, "rowcount", 0))
    return changed


def export_routes(platform: Platform) -> set[tuple[str, str]]:
    """Every route of the four OpenAPI documents that renders an xlsx or docx file. An evidence download
    (`.../evidence/{evidence_id}`) is not one: it returns the uploaded bytes as stored, which
    tests/integration/evidence checks byte for byte and by digest."""
    found = set()
    for service in SCHEMAS:
        for path, operations in platform.app(service).openapi()["paths"].items():
            if path.endswith("/evidence/{evidence_id}"):
                continue
            for operation in operations.values():
                media = {
                    media
                    for response in operation.get("responses", {}).values()
                    for media in (response.get("content") or {})
                }
                if path.endswith((".xlsx", ".docx")) or media & {XLSX, DOCX}:
                    found.add((service, path))
    return found


def workbook_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content))
    formulas = [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert not formulas, f"stored text became formulas in {formulas}"
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return "\n".join([*workbook.sheetnames, *cells])


def document_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])


async def test_every_export_downloads_and_opens_with_control_characters_in_stored_text(
    meetings: Meetings,
) -> None:
    platform = meetings.platform
    await scored_projects(platform)
    await an_account(platform)
    held = await held_meeting(meetings)
    await settled(platform)  # the meeting's notices are written by the notifier when it reads the events
    texts = await stored_texts(platform)
    for service in SCHEMAS:
        assert await taint(platform, service, texts) > 0, f"{service} holds none of the texts"

    downloads: dict[tuple[str, str], tuple[str, dict[str, Any], list[str]]] = {
        ("projects-api", "/api/v1/accounts/import-template"): ("xlsx", {}, []),
        ("projects-api", "/api/v1/accounts/export.xlsx"): ("xlsx", {}, [ACCOUNT_NAME, "汉滨区"]),
        ("projects-api", "/api/v1/accounts/audit.xlsx"): ("xlsx", {}, [USERNAME]),
        ("projects-api", "/api/v1/projects/import-template"): ("xlsx", {}, []),
        ("projects-api", "/api/v1/plans/{year}/targets"): ("xlsx", {"format": "xlsx"}, ["汉滨区"]),
        ("projects-api", "/api/v1/statistics/{year}/monthly/{month}"): (
            "xlsx",
            {"format": "xlsx"},
            ["汉滨区"],
        ),
        ("projects-api", "/api/v1/statistics/{year}/monthly"): (
            "xlsx",
            {"format": "xlsx", "month": 5},
            ["汉滨区"],
        ),
        ("projects-api", "/api/v1/statistics/{year}/targets"): (
            "xlsx",
            {"format": "xlsx", "month": 5},
            ["汉滨区"],
        ),
        ("projects-api", "/api/v1/statistics/{year}/quarterly/{quarter}"): (
            "xlsx",
            {"format": "xlsx"},
            ["汉滨区"],
        ),
        ("projects-api", "/api/v1/concentrated-starts"): ("xlsx", {"format": "xlsx", "year": 2019}, []),
        ("projects-api", "/api/v1/provincial/export/{year}/{month}"): ("xlsx", {}, [PROJECTS["汉滨区"]]),
        ("projects-api", "/api/v1/provincial/reconciliation/{year}/{month}"): (
            "xlsx",
            {"format": "xlsx"},
            [PROJECTS["汉滨区"]],
        ),
        ("meetings-api", "/api/v1/meetings/{meeting_id}/agenda.docx"): (
            "docx",
            {},
            [TOPIC["title"], "汉滨区"],
        ),
        ("scoring-worker", "/api/v1/scoring/standings.xlsx"): (
            "xlsx",
            {"year": 2019, "kind": "county"},
            ["汉滨区", "汉阴县"],
        ),
        ("notifier", "/api/v1/notifications/deliveries.xlsx"): ("xlsx", {}, [texts[-1], LIAISON_UNIT]),
    }
    assert export_routes(platform) == set(downloads), "every export route is downloaded here"
    await platform.login()  # the meeting moved the clock past the first token's lifetime
    path_values = {"year": 2019, "month": 5, "quarter": 1, "meeting_id": held["id"]}
    for (service, template), (kind, params, shown) in downloads.items():
        path = template.format(**path_values)
        response = await platform.client.get(path, params=params)
        assert response.status_code == 200, (service, path, response.text[:500])
        content_type = XLSX if kind == "xlsx" else DOCX
        assert response.headers["content-type"].startswith(content_type), (path, response.headers)
        opened = workbook_text(response.content) if kind == "xlsx" else document_text(response.content)
        assert not set(BAD) & set(opened), path
        # a vertical tab or form feed is a line break now, also where one text holds another; the `=` put
        # before each text stays (quoted when it begins a cell), also inside a text that holds another
        flat = opened.replace("\n", "").replace("'=", "").replace("=", "")
        for expected in shown:
            assert expected in flat, (path, expected)


def test_tab_newline_and_carriage_return_stay_and_a_vertical_tab_becomes_a_line_break() -> None:
    assert xlsx_safe(f"甲\t乙\n丙\r丁{BAD}") == "甲\t乙\n丙\r丁\n\n"
    assert docx_safe("议题\x0b第二行\x1f") == "议题\n第二行"
    assert xlsx_safe(12) == 12 and xlsx_safe(None) is None
