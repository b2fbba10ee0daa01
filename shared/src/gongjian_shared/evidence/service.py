"""What the routes of every service share: the service's store, the upload flow, the documented responses."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from fastapi import UploadFile
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import StreamingResponse

from gongjian_shared.access import Scope
from gongjian_shared.errors import Forbidden, problem_responses
from gongjian_shared.evidence.errors import EvidenceDuplicate, EvidenceNotFound
from gongjian_shared.evidence.settings import EvidenceSettings
from gongjian_shared.evidence.sniff import ALLOWED
from gongjian_shared.evidence.store import BlobMissing, BlobStore, open_store
from gongjian_shared.evidence.sweep import sweep_orphans
from gongjian_shared.evidence.upload import download_response, receive, storage_key, store_then_record
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

_STORE_KEY = "evidence-store"
# which of these storage keys have rows, read in the given session
KnownKeysOf = Callable[[AsyncSession, Collection[str]], Awaitable[set[str]]]

UPLOAD_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 415, 422)
LIST_PROBLEMS = problem_responses(401, 403, 404, 422)
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file's bytes, as uploaded (附件内容); its media type is the one judged at upload",
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in sorted(ALLOWED)},
        "headers": {
            "Content-Disposition": {
                "description": "attachment, with the original name (RFC 6266, filename* per RFC 5987)",
                "schema": {"type": "string"},
            },
            "Repr-Digest": {"description": "sha-256 of the bytes (RFC 9530)", "schema": {"type": "string"}},
        },
    },
    **problem_responses(401, 403, 404, 422),
}


def evidence_settings(context: ServiceContext) -> EvidenceSettings:
    settings = getattr(context.settings, "evidence", None)
    if not isinstance(settings, EvidenceSettings):
        raise TypeError(f"{context.settings.service_name} has no evidence settings")
    return settings


def evidence_store(context: ServiceContext) -> BlobStore:
    """The running service's store, made on first use."""
    store = context.extras.get(_STORE_KEY)
    if store is None:
        store = context.extras[_STORE_KEY] = open_store(evidence_settings(context))
    return store


Row = TypeVar("Row")


class Evidence(Protocol):
    """A service's evidence row (its model mixes in `EvidenceColumns`)."""

    id: uuid.UUID
    owner_kind: str
    owner_id: uuid.UUID
    file_name: str
    media_type: str
    size: int
    sha256: str
    storage_key: str


def ensure_person(scope: Scope) -> None:
    """Evidence is read by people; a machine client's read scopes do not reach the files."""
    if scope.principal.kind == "service":
        raise Forbidden("Evidence files are not served to service accounts (证明材料不对接口账号开放).")


async def attach(
    uow: UnitOfWork,
    context: ServiceContext,
    upload: UploadFile,
    *,
    owner_kind: str,
    owner_id: uuid.UUID,
    uploaded_by: uuid.UUID,
    make: Callable[..., Row],
    save: Callable[[Row], Awaitable[None]],
) -> Row:
    """Check the upload, write its blob, then its row (`make(**columns)` saved and flushed by `save`).

    A duplicate (the same sha256 on the same owner) is refused by the database's unique constraint: the
    blob written before it is deleted again, as after any failure of the row."""
    settings = evidence_settings(context)
    store = evidence_store(context)
    received = await receive(upload, settings.max_file_bytes)
    evidence_id, now = uuid.uuid4(), uow.clock.now()
    key = storage_key(context.settings.service_name, owner_kind, evidence_id, now)
    row = make(
        id=evidence_id,
        owner_kind=owner_kind,
        owner_id=owner_id,
        file_name=received.file_name,
        media_type=received.media_type,
        size=received.size,
        sha256=received.sha256,
        storage_key=key,
        uploaded_by=uploaded_by,
        uploaded_at=now,
    )

    async def record() -> None:
        try:
            async with uow.session.begin_nested():
                await save(row)
        except IntegrityError as error:
            if "uq_evidence_owner_sha256" in str(error.orig):
                raise EvidenceDuplicate() from None
            raise

    await store_then_record(store, uow.session, key, received, record)
    return row


async def download(store: BlobStore, evidence: Evidence | None, what: str) -> StreamingResponse:
    if evidence is None:
        raise EvidenceNotFound(f"No evidence file {what}.")
    try:
        chunks = await store.open(evidence.storage_key)
    except BlobMissing:
        raise EvidenceNotFound(
            f"The bytes of evidence file {evidence.id} are missing from the store."
        ) from None
    return download_response(
        chunks,
        file_name=evidence.file_name,
        media_type=evidence.media_type,
        size=evidence.size,
        sha256=evidence.sha256,
    )


async def sweep(context: ServiceContext, known_keys: KnownKeysOf) -> int:
    """One sweep of the service's store: delete the blobs older than the grace period that no row names."""
    settings = evidence_settings(context)
    older_than = context.clock.now() - timedelta(minutes=settings.orphan_grace_minutes)

    async def known(keys: Collection[str]) -> set[str]:
        async with context.sessionmaker() as session:
            return await known_keys(session, keys)

    return await sweep_orphans(evidence_store(context), context.settings.service_name, known, older_than)


def sweep_jobs(context: ServiceContext, known_keys: KnownKeysOf, *, enabled: bool) -> tuple[PeriodicJob, ...]:
    """The periodic sweep, where the service runs its scheduler."""
    if not enabled:
        return ()

    async def step() -> bool:
        await sweep(context, known_keys)
        return False

    interval = evidence_settings(context).sweep_interval_seconds
    return (PeriodicJob("evidence orphan sweep", step, interval, max_backoff_seconds=interval),)
