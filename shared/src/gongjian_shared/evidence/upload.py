"""An upload checked once for every service, and a download answered the same way everywhere."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import re
import unicodedata
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi import UploadFile
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import StreamingResponse

from gongjian_shared.evidence.errors import EvidenceEmpty, EvidenceTooLarge, EvidenceTypeRefused
from gongjian_shared.evidence.sniff import ALLOWED, EXTENSIONS, media_type_of
from gongjian_shared.evidence.store import CHUNK_BYTES, BlobStore

logger = logging.getLogger("gongjian.evidence")

MAX_NAME_CHARS = 200
_KEY_TIME = "%Y%m%dT%H%M%S%fZ"
_KEY_NAME = re.compile(r"(?P<at>\d{8}T\d{12}Z)-(?P<id>[0-9a-f]{32})")


@dataclass(frozen=True)
class Received:
    """An uploaded file that passed the checks: its bytes (spooled by the form parser), name and facts."""

    source: BinaryIO
    file_name: str
    media_type: str
    size: int
    sha256: str


def clean_file_name(raw: str | None, media_type: str) -> str:
    """The name as the uploader's system had it, minus any folder, control characters and excess length."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Cs")).strip()
    if len(name) > MAX_NAME_CHARS:
        stem, extension = os.path.splitext(name)
        name = stem[: MAX_NAME_CHARS - len(extension[:20])] + extension[:20]
    return name if name.strip(". ") else f"evidence{EXTENSIONS.get(media_type, '')}"


def _measure(source: BinaryIO) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    source.seek(0)
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    source.seek(0)
    return size, digest.hexdigest()


async def receive(upload: UploadFile, max_bytes: int) -> Received:
    """Check an uploaded file: not empty, not over `max_bytes` (413), an allowed type by content (415)."""
    source = upload.file
    size = upload.size if upload.size is not None else await asyncio.to_thread(source.seek, 0, os.SEEK_END)
    if size > max_bytes:
        raise EvidenceTooLarge(max_bytes)
    if size == 0:
        raise EvidenceEmpty()
    media_type = await asyncio.to_thread(media_type_of, source)
    if media_type is None:
        raise EvidenceTypeRefused(sorted(ALLOWED))
    size, sha256 = await asyncio.to_thread(_measure, source)
    if size > max_bytes:  # the parser's count and the bytes agree; checked again on the bytes themselves
        raise EvidenceTooLarge(max_bytes)
    return Received(source, clean_file_name(upload.filename, media_type), media_type, size, sha256)


def storage_key(namespace: str, owner_kind: str, evidence_id: uuid.UUID, at: datetime) -> str:
    """`<service>/<owner kind>/<UTC time>-<id>`: the time lets the sweep judge an orphan's age by the key."""
    return f"{namespace}/{owner_kind}/{at.astimezone(UTC).strftime(_KEY_TIME)}-{evidence_id.hex}"


def written_at(key: str) -> datetime | None:
    match = _KEY_NAME.fullmatch(key.rsplit("/", 1)[-1])
    if match is None:
        return None
    return datetime.strptime(match["at"], _KEY_TIME).replace(tzinfo=UTC)


_PENDING: set[asyncio.Task[None]] = set()


def delete_on_rollback(session: AsyncSession, store: BlobStore, key: str) -> None:
    """If the transaction that was to record `key` rolls back (its commit failing included), delete the blob.

    Best effort, in the background: the periodic sweep deletes what a crash leaves."""
    sync_session = session.sync_session
    settled = False  # listeners are not removed while the session dispatches its events: a flag instead

    def rolled_back(_: Any) -> None:
        nonlocal settled
        if settled:
            return
        settled = True
        try:
            task = asyncio.get_running_loop().create_task(_delete_quietly(store, key))
        except RuntimeError:
            return
        _PENDING.add(task)
        task.add_done_callback(_PENDING.discard)

    def committed(_: Any) -> None:
        nonlocal settled
        settled = True

    event.listen(sync_session, "after_rollback", rolled_back, once=True)
    event.listen(sync_session, "after_commit", committed, once=True)


async def _delete_quietly(store: BlobStore, key: str) -> None:
    try:
        await store.delete(key)
    except Exception as error:  # the sweep will find it
        logger.warning("could not delete the blob %s of a rolled-back upload: %s", key, error)


async def store_then_record(
    store: BlobStore,
    session: AsyncSession,
    key: str,
    received: Received,
    record: Callable[[], Awaitable[None]],
) -> None:
    """Write the blob, then the row (`record`, which flushes); on any failure of either, delete the blob."""
    await store.put(key, received.source, received.size)
    try:
        await record()
    except BaseException:
        await _delete_quietly(store, key)
        raise
    delete_on_rollback(session, store, key)


def content_disposition(file_name: str) -> str:
    """RFC 6266 with RFC 5987's `filename*` for the real (often Chinese) name, and an ASCII fallback."""
    fallback = "".join(
        char if 0x20 <= ord(char) < 0x7F and char not in '"\\;%' else "_" for char in file_name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def download_response(
    chunks: AsyncIterator[bytes], *, file_name: str, media_type: str, size: int, sha256: str
) -> StreamingResponse:
    digest = bytes.fromhex(sha256)
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(file_name),
            "Content-Length": str(size),
            "Repr-Digest": f"sha-256=:{base64.b64encode(digest).decode()}:",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "sandbox",
        },
    )
