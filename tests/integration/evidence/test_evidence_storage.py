"""Evidence files on the local file system and on a real S3-compatible server (S3Proxy, started by the tests):
the same tests on both. Upload, list and download; refused types, an oversized file and another unit's reads
answer problem details and store nothing; a failed transaction and a crash leave no blob behind."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from integration.evidence.conftest import MAX_FILE_BYTES
from integration.evidence.evidence_support import (
    EXE_AS_JPG,
    TEXT_AS_PDF,
    ZIP_NOT_OFFICE,
    assert_problem,
    blob_keys,
    docx,
    jpeg,
    png,
    rows,
)
from integration.projects.registry_support import Actor, account, register, unit_ids

from gongjian_projects.evidence.jobs import sweep_orphans
from gongjian_projects.evidence.repository import EvidenceRepository
from gongjian_projects.models import Evidence
from gongjian_shared.auth import Role
from gongjian_shared.evidence.service import evidence_store
from gongjian_shared.evidence.sniff import DOCX
from gongjian_shared.evidence.upload import storage_key
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio

PHOTO_NAME = "开工现场照片 2025.jpg"


async def recognition_of(platform: Platform, unit: str) -> tuple[str, Actor]:
    """A project of `unit` with a start application by its reporter: the recognition's evidence URL."""
    units = await unit_ids(platform)
    project = await register(platform, units[unit])
    reporter = await account(platform, [Role.REPORTER], units[unit])
    # the application carries no file facts: its evidence is the files uploaded to it
    applied = await platform.client.post(
        f"/api/v1/projects/{project['id']}/recognitions",
        json={"kind": "start", "date": "2025-06-10", "description": "主体开工"},
        headers=reporter.headers,
    )
    assert applied.status_code == 201, applied.text
    return f"/api/v1/projects/{project['id']}/recognitions/{applied.json()['id']}/evidence", reporter


async def upload(
    platform: Platform, url: str, actor: Actor, name: str, content: bytes, content_type: str = "image/jpeg"
) -> Any:
    return await platform.client.post(
        url, files={"file": (name, content, content_type)}, headers=actor.headers
    )


async def test_upload_list_and_download_keep_the_bytes_name_and_digest(stored: Platform) -> None:
    platform = stored
    url, reporter = await recognition_of(platform, "平利县")
    photo = jpeg(20_000)

    created = await upload(platform, url, reporter, PHOTO_NAME, photo, "application/octet-stream")
    assert created.status_code == 201, created.text
    evidence = created.json()
    assert evidence["file_name"] == PHOTO_NAME
    assert evidence["media_type"] == "image/jpeg"  # from the content, not the client's octet-stream
    assert (evidence["size"], evidence["sha256"]) == (len(photo), hashlib.sha256(photo).hexdigest())
    assert evidence["uploaded_by"] == reporter.user_id and evidence["owner_kind"] == "recognition"
    document = await upload(platform, url, reporter, "施工许可证.docx", docx(), "image/png")
    assert document.status_code == 201 and document.json()["media_type"] == DOCX, document.text

    listed = await platform.client.get(url, headers=reporter.headers)
    assert [item["id"] for item in listed.json()] == [evidence["id"], document.json()["id"]]
    [row, _] = await rows(platform, "projects-api")
    assert await blob_keys(platform, "projects-api") == sorted([row["storage_key"], _["storage_key"]])

    for who in (reporter.headers, {}):  # the unit itself, and the office (the admin's session)
        downloaded = await platform.client.get(f"{url}/{evidence['id']}", headers=who)
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.content == photo
        assert downloaded.headers["content-type"] == "image/jpeg"
        assert downloaded.headers["content-length"] == str(len(photo))
        disposition = downloaded.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="') and "filename*=UTF-8''" in disposition
        assert disposition.endswith(quote(PHOTO_NAME, safe=""))
        digest = base64.b64encode(hashlib.sha256(photo).digest()).decode()
        assert downloaded.headers["repr-digest"] == f"sha-256=:{digest}:"
        assert downloaded.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "content_type"), [EXE_AS_JPG, TEXT_AS_PDF, ZIP_NOT_OFFICE], ids=["exe", "text", "zip"]
)
async def test_a_type_refused_by_its_content_stores_nothing(
    stored: Platform, name: str, content: bytes, content_type: str
) -> None:
    url, reporter = await recognition_of(stored, "平利县")
    refused = await upload(stored, url, reporter, name, content, content_type)
    problem = assert_problem(refused, 415, "evidence-type-refused")
    assert problem["errors"][0]["field"] == "file" and problem["errors"][0]["rule"] == "allowed-type"
    assert "image/jpeg" in problem["allowed"] and "application/pdf" in problem["allowed"]
    assert await rows(stored, "projects-api") == []
    assert await blob_keys(stored, "projects-api") == []


async def test_an_oversized_file_is_refused_and_stores_nothing(stored: Platform) -> None:
    url, reporter = await recognition_of(stored, "平利县")
    at_limit = await upload(stored, url, reporter, "limit.png", png(MAX_FILE_BYTES), "image/png")
    assert at_limit.status_code == 201, at_limit.text
    over = await upload(stored, url, reporter, "big.png", png(MAX_FILE_BYTES + 1), "image/png")
    problem = assert_problem(over, 413, "evidence-too-large")
    assert problem["errors"][0]["field"] == "file" and problem["errors"][0]["rule"] == "max-size"
    # past the request limit (every multipart body), refused while it streams in, before any parsing
    limit = stored.settings["projects-api"].http.max_upload_bytes
    huge = await upload(stored, url, reporter, "huge.png", png(limit + 1), "image/png")
    assert_problem(huge, 413, "payload-too-large")
    [row] = await rows(stored, "projects-api")
    assert row["id"] == uuid.UUID(at_limit.json()["id"])
    assert await blob_keys(stored, "projects-api") == [row["storage_key"]]


async def test_another_unit_can_neither_read_nor_attach(stored: Platform) -> None:
    platform = stored
    url, reporter = await recognition_of(platform, "平利县")
    created = await upload(platform, url, reporter, PHOTO_NAME, jpeg())
    assert created.status_code == 201, created.text
    stranger = await account(platform, [Role.REPORTER], (await unit_ids(platform))["汉阴县"])
    before = (await rows(platform, "projects-api"), await blob_keys(platform, "projects-api"))

    assert_problem(await platform.client.get(f"{url}/{created.json()['id']}", headers=stranger.headers), 404)
    assert_problem(await platform.client.get(url, headers=stranger.headers), 404)
    assert_problem(await upload(platform, url, stranger, "x.jpg", jpeg(seed=b"other")), 404)
    wrong_id = await platform.client.get(f"{url}/{uuid.uuid4()}", headers=reporter.headers)
    assert_problem(wrong_id, 404, "evidence-not-found")
    assert (await rows(platform, "projects-api"), await blob_keys(platform, "projects-api")) == before


class CountingStore:
    """The service's real store, counting what passes through it (a witness, not a stand-in)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.puts, self.deletes = inner, 0, 0

    async def put(self, key: str, source: Any, size: int) -> None:
        self.puts += 1
        await self.inner.put(key, source, size)

    async def delete(self, key: str) -> None:
        self.deletes += 1
        await self.inner.delete(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_row_refused_after_the_blob_was_written_deletes_the_blob(stored: Platform) -> None:
    """The same file twice on one recognition: the blob is written, the database's unique constraint then
    refuses the row, and the blob goes again."""
    platform = stored
    context = platform.context("projects-api")
    counting = CountingStore(evidence_store(context))
    context.extras["evidence-store"] = counting
    url, reporter = await recognition_of(platform, "平利县")
    photo = jpeg(seed=b"twice")
    assert (await upload(platform, url, reporter, "a.jpg", photo)).status_code == 201
    again = await upload(platform, url, reporter, "b.jpg", photo)
    assert_problem(again, 409, "evidence-duplicate")
    assert (counting.puts, counting.deletes) == (2, 1)
    [row] = await rows(platform, "projects-api")
    assert await blob_keys(platform, "projects-api") == [row["storage_key"]]


async def test_a_transaction_rolled_back_after_the_row_deletes_the_blob(stored: Platform) -> None:
    """The row was written, then the transaction rolls back (as when its commit fails): the blob goes."""
    from starlette.datastructures import Headers, UploadFile

    from gongjian_shared.evidence.service import attach

    platform = stored
    context = platform.context("projects-api")
    url, reporter = await recognition_of(platform, "平利县")
    owner_id = uuid.UUID(url.split("/")[-2])
    photo = jpeg(seed=b"rolled back")
    file = UploadFile(io.BytesIO(photo), size=len(photo), filename="x.jpg", headers=Headers({}))
    async with context.sessionmaker() as session:
        uow = context.unit_of_work(session)
        await attach(
            uow,
            context,
            file,
            owner_kind="recognition",
            owner_id=owner_id,
            uploaded_by=uuid.UUID(reporter.user_id),
            make=Evidence,
            save=EvidenceRepository(session).save,
        )
        assert len(await blob_keys(platform, "projects-api")) == 1
        await session.rollback()

    async def gone() -> bool:
        return await blob_keys(platform, "projects-api") == []

    await eventually(gone, timeout=10, what="the rolled-back upload's blob deleted")
    assert await rows(platform, "projects-api") == []


async def test_the_sweep_deletes_old_blobs_without_rows_only(stored: Platform) -> None:
    platform = stored
    context = platform.context("projects-api")
    store = evidence_store(context)
    url, reporter = await recognition_of(platform, "平利县")
    kept = await upload(platform, url, reporter, "kept.jpg", jpeg(seed=b"kept"))
    assert kept.status_code == 201
    now = platform.clock.now()
    old_orphan = storage_key("projects-api", "recognition", uuid.uuid4(), now - timedelta(hours=2))
    young_orphan = storage_key("projects-api", "recognition", uuid.uuid4(), now - timedelta(minutes=1))
    for key in (old_orphan, young_orphan):
        await store.put(key, io.BytesIO(b"orphan"), 6)

    assert await sweep_orphans(context) == 1
    [row] = await rows(platform, "projects-api")
    assert sorted(await blob_keys(platform, "projects-api")) == sorted([row["storage_key"], young_orphan])
    downloaded = await platform.client.get(f"{url}/{kept.json()['id']}", headers=reporter.headers)
    assert downloaded.status_code == 200
