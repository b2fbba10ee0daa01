"""The evidence of a recognition is its uploaded files (issue 12, items 2 and 3): the application shows them,
the queue counts them, the office's completion judgement needs at least one, and a decision records the
files it relied on, so files added later do not change what it was decided on."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from integration.evidence.evidence_support import jpeg
from integration.projects.conftest import Clocked
from integration.projects.registry_support import (
    Actor,
    account,
    assert_problem,
    count,
    events,
    register,
    unit_ids,
)
from sqlalchemy import text

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

UNIT = "白河县"
JUDGEMENT = "经现场核查，主体工程已通过验收，具备运营条件"
PHOTO, LATER = jpeg(seed=b"completion"), jpeg(size=6000, seed=b"later")


async def apply(platform: Platform, project_id: str, kind: str, when: str, actor: Actor) -> dict[str, Any]:
    body = {"kind": kind, "date": when, "description": "竣工验收，具备运营条件"}
    response = await platform.client.post(
        f"/api/v1/projects/{project_id}/recognitions", json=body, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    application: dict[str, Any] = response.json()
    return application


async def upload(platform: Platform, application: dict[str, Any], content: bytes, actor: Actor) -> Any:
    url = f"/api/v1/projects/{application['project_id']}/recognitions/{application['id']}/evidence"
    response = await platform.client.post(
        url, files={"file": ("竣工现场.jpg", content, "image/jpeg")}, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def shown(platform: Platform, application: dict[str, Any]) -> dict[str, Any]:
    listed = await platform.client.get(f"/api/v1/projects/{application['project_id']}/recognitions")
    [found] = [item for item in listed.json() if item["id"] == application["id"]]
    return found


async def pending_counts(platform: Platform) -> dict[str, int]:
    page = await platform.client.get("/api/v1/recognitions", params={"status": "pending"})
    assert page.status_code == 200, page.text
    return {item["id"]: item["evidence_count"] for item in page.json()["items"]}


async def test_the_office_judges_a_completion_on_the_photo_uploaded_to_it(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 11, 26, 9)
    unit = (await unit_ids(platform))[UNIT]
    reporter = await account(platform, [Role.REPORTER], unit)
    project = await register(platform, unit, plan_category="completion", planned_start=None)
    other = await register(platform, unit, plan_category="completion", planned_start=None)
    applied = await apply(platform, project["id"], "completion", "2019-11-18", reporter)
    waiting = await apply(platform, other["id"], "completion", "2019-11-20", reporter)
    assert (applied["evidence"], applied["declared_evidence"], applied["decision_evidence"]) == ([], [], None)

    url = f"/api/v1/projects/{project['id']}/recognitions/{applied['id']}/recognise"
    unfounded = await platform.client.post(url, json={"office_judgement": JUDGEMENT})
    assert_problem(unfounded, 409, "office_judgement", "evidence-file-required")
    assert (await shown(platform, applied))["status"] == "applied"
    assert (await platform.client.get(f"/api/v1/projects/{project['id']}")).json()["status"] == "started"
    assert await events(platform, "project-completed") == []
    assert await events(platform, "recognition-decided") == []

    photo = await upload(platform, applied, PHOTO, reporter)
    before = await shown(platform, applied)
    [file] = before["evidence"]
    assert (file["id"], file["name"], file["media_type"]) == (photo["id"], "竣工现场.jpg", "image/jpeg")
    assert (file["size"], file["sha256"]) == (len(PHOTO), hashlib.sha256(PHOTO).hexdigest())
    assert datetime.fromisoformat(file["uploaded_at"]) == datetime.fromisoformat(photo["uploaded_at"])
    assert file["download_path"] == (
        f"/api/v1/projects/{project['id']}/recognitions/{applied['id']}/evidence/{photo['id']}"
    )
    downloaded = await platform.client.get(file["download_path"], headers=reporter.headers)
    assert downloaded.status_code == 200 and downloaded.content == PHOTO
    assert await pending_counts(platform) == {applied["id"]: 1, waiting["id"]: 0}

    judged = await platform.client.post(url, json={"office_judgement": JUDGEMENT})
    assert judged.status_code == 200, judged.text
    relied_on = [{"id": photo["id"], "sha256": hashlib.sha256(PHOTO).hexdigest()}]
    assert (judged.json()["status"], judged.json()["decision_reason"]) == ("recognised", JUDGEMENT)
    assert (judged.json()["decision_evidence"], judged.json()["evidence"]) == (relied_on, before["evidence"])
    assert (await platform.client.get(f"/api/v1/projects/{project['id']}")).json()["status"] == "completed"

    clocked.clock.advance(timedelta(minutes=5))  # files are listed oldest first
    later = await upload(platform, applied, LATER, reporter)  # added after the decision
    after = await shown(platform, applied)
    assert [item["id"] for item in after["evidence"]] == [photo["id"], later["id"]]
    assert after["decision_evidence"] == relied_on
    recognised = await platform.client.get("/api/v1/recognitions", params={"status": "recognised"})
    [item] = recognised.json()["items"]
    assert (item["id"], item["evidence_count"], item["decision_evidence"]) == (applied["id"], 2, relied_on)


async def test_a_decision_without_a_judgement_records_the_files_it_had_even_none(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 10, 9)
    unit = (await unit_ids(platform))[UNIT]
    reporter = await account(platform, [Role.REPORTER], unit)
    rejected = await apply(platform, (await register(platform, unit))["id"], "start", "2019-06-03", reporter)
    photo = await upload(platform, rejected, PHOTO, reporter)
    refused = await platform.client.post(
        f"/api/v1/projects/{rejected['project_id']}/recognitions/{rejected['id']}/reject",
        json={"reason": "照片不能证明连续施工"},
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["decision_evidence"] == [{"id": photo["id"], "sha256": photo["sha256"]}]

    bare = await apply(platform, (await register(platform, unit))["id"], "start", "2019-06-05", reporter)
    judged = await platform.client.post(
        f"/api/v1/projects/{bare['project_id']}/recognitions/{bare['id']}/recognise",
        json={"office_judgement": JUDGEMENT},
    )
    assert_problem(judged, 422, "office_judgement", "completion-only")  # never silently ignored
    assert (await shown(platform, bare))["status"] == "applied"
    started = await platform.client.post(
        f"/api/v1/projects/{bare['project_id']}/recognitions/{bare['id']}/recognise"
    )
    assert started.status_code == 200, started.text
    assert (started.json()["evidence"], started.json()["decision_evidence"]) == ([], [])


async def test_an_old_application_keeps_its_declared_metadata_read_only(clocked: Clocked) -> None:
    platform = clocked.platform
    unit = (await unit_ids(platform))[UNIT]
    project = await register(platform, unit)
    declared = {
        "name": "开工照片.jpg",
        "content_type": "image/jpeg",
        "size_bytes": 204800,
        "checksum": "a" * 64,
        "storage_key": "evidence/2019/05/abc.jpg",
    }
    recognition_id = str(uuid.uuid4())
    async with platform.context("projects-api").sessionmaker() as session:
        await session.execute(
            text(
                "INSERT INTO projects.recognitions (id, project_id, kind, claimed_on, description, "
                "declared_evidence, status, applied_at, applied_by) VALUES (:id, :project, 'start', "
                "'2019-05-18', '开工', CAST(:declared AS jsonb), 'applied', now(), :by)"
            ),
            {
                "id": recognition_id,
                "project": project["id"],
                "declared": json.dumps([declared]),
                "by": str(uuid.uuid4()),
            },
        )
        await session.commit()
    old = await shown(platform, {"id": recognition_id, "project_id": project["id"]})
    assert (old["declared_evidence"], old["evidence"]) == ([declared], [])
    assert (await pending_counts(platform))[recognition_id] == 0
    legacy = "SELECT count(*) FROM projects.recognitions WHERE declared_evidence <> '[]'::jsonb"
    assert await count(platform, legacy) == 1
