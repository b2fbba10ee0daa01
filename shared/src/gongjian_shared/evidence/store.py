"""The blob store interface and its file-system backend (the S3-compatible one is in :mod:`.s3`).

Keys are relative paths of safe segments (``projects-api/recognition/20190315T080000Z-<hex>``); a store never
makes a URL of them: files leave only through the API, behind the access rules of what they are attached to.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from gongjian_shared.evidence.settings import EvidenceSettings

CHUNK_BYTES = 64 * 1024
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")
_PARTIAL = ".partial"


class BlobMissing(LookupError):
    """No blob under the key (a row whose file is gone: an operator's mistake, never a client's)."""


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size: int


class BlobStore(Protocol):
    """Where evidence bytes live. Writes are whole (a reader never sees half a file); deletes are idempotent."""

    async def put(self, key: str, source: BinaryIO, size: int) -> None: ...

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The blob's bytes in chunks; raises :class:`BlobMissing` here, before the first chunk is taken."""
        ...

    async def delete(self, key: str) -> None: ...

    def listing(self, prefix: str) -> AsyncIterator[BlobInfo]: ...

    async def close(self) -> None: ...


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a blob key: {key!r}")
    return key


async def primed(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Take the first chunk now (so a missing blob raises before a response starts), then the rest lazily."""
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        first = b""

    async def replay() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in chunks:
            yield chunk

    return replay()


class FileSystemStore:
    """Blobs as files under `root`; each written to a temporary file beside them, synced, then renamed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, source: BinaryIO, size: int) -> None:
        await asyncio.to_thread(self._write, self.path(key), source)

    def _write(self, target: Path, source: BinaryIO) -> None:
        partial = self.root / _PARTIAL
        partial.mkdir(parents=True, exist_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = partial / uuid.uuid4().hex
        try:
            source.seek(0)
            with temporary.open("xb") as out:
                while chunk := source.read(CHUNK_BYTES):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    async def open(self, key: str) -> AsyncIterator[bytes]:
        return await primed(self._chunks(self.path(key)))

    async def _chunks(self, path: Path) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobMissing(str(path)) from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path(key).unlink, missing_ok=True)

    async def listing(self, prefix: str) -> AsyncIterator[BlobInfo]:
        for info in await asyncio.to_thread(self._list, prefix):
            yield info

    def _list(self, prefix: str) -> list[BlobInfo]:
        base = self.root / check_key(prefix) if prefix else self.root
        found = []
        for folder, subfolders, files in os.walk(base):
            if Path(folder) == self.root:
                subfolders[:] = [name for name in subfolders if name != _PARTIAL]
            for name in files:
                path = Path(folder) / name
                with contextlib.suppress(FileNotFoundError):
                    found.append(BlobInfo(str(path.relative_to(self.root)), path.stat().st_size))
        return sorted(found, key=lambda info: info.key)

    async def close(self) -> None:
        return None


def open_store(settings: EvidenceSettings) -> BlobStore:
    """The backend the settings name."""
    if settings.backend == "s3":
        from gongjian_shared.evidence.s3 import S3Store  # botocore loads only where S3 is used

        return S3Store(settings.s3)
    return FileSystemStore(settings.root)
