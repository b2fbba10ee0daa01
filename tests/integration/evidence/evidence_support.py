"""Sample files (real signatures, made here), and reading what a service's evidence store and table hold."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import httpx
from sqlalchemy import text

from gongjian_shared.evidence.service import evidence_store
from support.platform import Platform

SCHEMAS = {"projects-api": "projects", "meetings-api": "meetings"}


def jpeg(size: int = 4096, seed: bytes = b"site") -> bytes:
    """A JPEG's start (SOI + APP0 JFIF) and filler: what a content check looks at."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    filler = hashlib.sha256(seed).digest() * (size // 32 + 1)
    return (head + filler)[: size - 2] + b"\xff\xd9"


def png(size: int) -> bytes:
    return (b"\x89PNG\r\n\x1a\n" + b"\x00" * size)[:size]


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


EXE_AS_JPG = ("现场照片.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000, "image/jpeg")
TEXT_AS_PDF = ("验收报告.pdf", "这不是 PDF，只是一段文字。\n".encode() * 50, "application/pdf")


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


ZIP_NOT_OFFICE = (
    "资料.docx",
    _plain_zip(),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


async def blob_keys(platform: Platform, service: str) -> list[str]:
    store = evidence_store(platform.context(service))
    return [info.key async for info in store.listing(service)]


async def rows(platform: Platform, service: str) -> list[dict[str, Any]]:
    async with platform.context(service).sessionmaker() as session:
        result = await session.execute(
            text(f"SELECT * FROM {SCHEMAS[service]}.evidence ORDER BY uploaded_at")
        )
        return [dict(row._mapping) for row in result]


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["title_zh"]
    if slug is not None:
        assert body["type"] == f"/problems/{slug}", body
    return body
