"""Blobs without a row: what an upload leaves when its process dies between the blob and the commit."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime

from gongjian_shared.evidence.store import BlobStore
from gongjian_shared.evidence.upload import written_at

logger = logging.getLogger("gongjian.evidence")

BATCH = 500
# which of these keys have rows
KnownKeys = Callable[[Collection[str]], Awaitable[set[str]]]


async def sweep_orphans(store: BlobStore, namespace: str, known: KnownKeys, older_than: datetime) -> int:
    """Delete the blobs under `namespace` written before `older_than` that no row names; return how many.

    Younger blobs are left alone: their upload may still be in its transaction."""
    aged: list[str] = []
    async for info in store.listing(namespace):
        at = written_at(info.key)
        if at is not None and at < older_than:
            aged.append(info.key)
    deleted = 0
    for start in range(0, len(aged), BATCH):
        batch = aged[start : start + BATCH]
        recorded = await known(batch)
        for key in batch:
            if key not in recorded:
                await store.delete(key)
                deleted += 1
    if deleted:
        logger.info("deleted %d evidence blob(s) without a row under %s/", deleted, namespace)
    return deleted
