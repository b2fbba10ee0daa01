"""The S3-compatible backend, on aiobotocore (botocore's requests signed with SigV4, sent with aiohttp).

A client per operation from one session (the session caches botocore's service model, so a client is cheap);
a download keeps its client until the last chunk is sent. Checksums are sent only where S3 requires them:
botocore's newer default (CRC32 trailers in aws-chunked bodies) is not understood by every S3-compatible store.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, BinaryIO

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from botocore.exceptions import ClientError

from gongjian_shared.evidence.settings import S3StoreSettings
from gongjian_shared.evidence.store import CHUNK_BYTES, BlobInfo, BlobMissing, check_key, primed

_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Store:
    def __init__(self, settings: S3StoreSettings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._session: AioSession = get_session()
        self._config = AioConfig(
            signature_version="s3v4",
            s3={"addressing_style": settings.addressing_style},
            connect_timeout=settings.connect_timeout_seconds,
            read_timeout=settings.read_timeout_seconds,
            retries={"max_attempts": 3, "mode": "standard"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )

    def _client(self) -> Any:
        settings = self.settings
        return self._session.create_client(
            "s3",
            endpoint_url=settings.endpoint_url,
            region_name=settings.region,
            aws_access_key_id=settings.access_key_id.get_secret_value() or None,
            aws_secret_access_key=settings.secret_access_key.get_secret_value() or None,
            config=self._config,
        )

    async def ensure_bucket(self) -> None:
        """Create the bucket if it is not there (development and tests; deployments provision it)."""
        async with self._client() as client:
            try:
                await client.head_bucket(Bucket=self.bucket)
            except ClientError:
                await client.create_bucket(Bucket=self.bucket)

    async def put(self, key: str, source: BinaryIO, size: int) -> None:
        await asyncio.to_thread(source.seek, 0)
        async with self._client() as client:
            await client.put_object(Bucket=self.bucket, Key=check_key(key), Body=source, ContentLength=size)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        return await primed(self._chunks(check_key(key)))

    async def _chunks(self, key: str) -> AsyncIterator[bytes]:
        async with self._client() as client:
            try:
                response = await client.get_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in _MISSING:
                    raise BlobMissing(key) from None
                raise
            body = response["Body"]
            try:
                while chunk := await body.read(CHUNK_BYTES):
                    yield chunk
            finally:
                with contextlib.suppress(Exception):
                    body.close()

    async def delete(self, key: str) -> None:
        async with self._client() as client:
            await client.delete_object(Bucket=self.bucket, Key=check_key(key))

    async def listing(self, prefix: str) -> AsyncIterator[BlobInfo]:
        async with self._client() as client:
            paginator = client.get_paginator("list_objects_v2")
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{prefix}/" if prefix else ""):
                for item in page.get("Contents", ()):
                    if str(item["Key"]).endswith(
                        "/"
                    ):  # a folder marker (file-system backed servers list them)
                        continue
                    yield BlobInfo(str(item["Key"]), int(item["Size"]))

    async def close(self) -> None:
        return None
