"""Evidence files on each owner in projects-api (recognition, progress report, ledger obstacle): the routes
exist and follow the owner's access. The unit reads and attaches; a reader that may not write (its liaison)
reads only; the office reads all; another county sees nothing (404, as for its project); an obstacle's
helping unit attaches too. Storage itself is tested on both backends in tests/integration/evidence/."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from integration.evidence.evidence_support import assert_problem, jpeg, rows
from integration.projects.conftest import Clocked
from integration.projects.registry_support import Actor, account, register, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

OWN, OTHER, HELPING = "紫阳县", "白河县", "市自然资源局"


async def recognition(platform: Platform, project_id: str, reporter: Actor) -> str:
    applied = await platform.client.post(
        f"/api/v1/projects/{project_id}/recognitions",
        json={
            "kind": "start",
            "date": "2019-05-20",
            "description": "主体开工",
        },
        headers=reporter.headers,
    )
    assert applied.status_code == 201, applied.text
    return f"/api/v1/projects/{project_id}/recognitions/{applied.json()['id']}/evidence"


async def progress_report(platform: Platform, project_id: str, reporter: Actor) -> str:
    submitted = await platform.client.post(
        f"/api/v1/projects/{project_id}/progress-reports",
        json={
            "year": 2019,
            "month": 5,
            "completed_10k": "1000",
            "cumulative_10k": "1000",
            "physical_progress": "基础施工",
            "image_progress_percent": "20",
        },
        headers=reporter.headers,
    )
    assert submitted.status_code == 201, submitted.text
    return f"/api/v1/progress-reports/{submitted.json()['id']}/evidence"


async def obstacle(platform: Platform, project_id: str, reporter: Actor) -> str:
    units = await unit_ids(platform)
    created = await platform.client.post(
        "/api/v1/ledger/obstacles",
        json={
            "project_id": project_id,
            "category": "land-and-demolition",
            "description": "二期用地征迁未完成",
            "responsible_unit_id": units[HELPING],
            "due_on": "2019-06-30",
        },
        headers=reporter.headers,
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/ledger/obstacles/{created.json()['id']}/evidence"


OWNERS: dict[str, Callable[[Platform, str, Actor], Awaitable[str]]] = {
    "recognition": recognition,
    "progress-report": progress_report,
    "obstacle": obstacle,
}


async def post(platform: Platform, url: str, actor: Actor, seed: bytes) -> int:
    response = await platform.client.post(
        url, files={"file": ("现场.jpg", jpeg(seed=seed), "image/jpeg")}, headers=actor.headers
    )
    return response.status_code


@pytest.mark.parametrize("kind", list(OWNERS))
async def test_evidence_follows_the_access_of_what_it_is_attached_to(clocked: Clocked, kind: str) -> None:
    platform = clocked.platform
    await clocked.at(2019, 5, 26, 10)
    units = await unit_ids(platform)
    project = await register(platform, units[OWN])
    reporter = await account(platform, [Role.REPORTER], units[OWN])
    liaison = await account(platform, [Role.LIAISON], units[OWN])
    stranger = await account(platform, [Role.REPORTER], units[OTHER])
    url = await OWNERS[kind](platform, project["id"], reporter)

    created = await platform.client.post(
        url, files={"file": ("现场.jpg", jpeg(), "image/jpeg")}, headers=reporter.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["owner_kind"] == kind
    file_url = f"{url}/{created.json()['id']}"
    for reader in (reporter.headers, liaison.headers, {}):  # the unit, its liaison, the office
        listed = await platform.client.get(url, headers=reader)
        assert [item["id"] for item in listed.json()] == [created.json()["id"]], listed.text
        downloaded = await platform.client.get(file_url, headers=reader)
        assert downloaded.status_code == 200 and downloaded.content == jpeg()

    assert_problem(await platform.client.get(url, headers=stranger.headers), 404)
    assert_problem(await platform.client.get(file_url, headers=stranger.headers), 404)
    assert await post(platform, url, stranger, b"stranger") == 404
    assert await post(platform, url, liaison, b"liaison") == 403
    assert await post(platform, url, await account(platform, [Role.OFFICE]), b"office") == 201

    helper = await account(platform, [Role.REPORTER], units[HELPING])
    helped = await post(platform, url, helper, b"helper")
    assert helped == (201 if kind == "obstacle" else 404)  # named to help clear an obstacle: attaches too
    assert len(await rows(platform, "projects-api")) == (3 if kind == "obstacle" else 2)
