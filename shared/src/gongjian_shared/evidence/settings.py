"""Where evidence files are kept and what an upload may be."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024


class S3StoreSettings(BaseModel):
    """An S3-compatible object store (e.g. {PREFIX}EVIDENCE__S3__ENDPOINT_URL, ...__BUCKET)."""

    endpoint_url: str | None = Field(default=None, description="None: the provider's default endpoint")
    bucket: str = "gongjian-evidence"
    region: str = "us-east-1"
    access_key_id: SecretStr = SecretStr("")
    secret_access_key: SecretStr = SecretStr("")
    addressing_style: Literal["path", "virtual", "auto"] = "path"
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    read_timeout_seconds: float = Field(default=30.0, gt=0)


class EvidenceSettings(BaseModel):
    """Evidence storage of one service ({PREFIX}EVIDENCE__BACKEND=filesystem|s3, ...)."""

    backend: Literal["filesystem", "s3"] = "filesystem"
    root: Path = Field(
        default=Path("var/evidence"), description="The file-system backend's folder (under the data folder)"
    )
    s3: S3StoreSettings = S3StoreSettings()
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, ge=1, description="Larger files answer 413")
    orphan_grace_minutes: float = Field(
        default=60.0,
        gt=0,
        description="A blob without a row is deleted once it is this old (an upload in flight is younger)",
    )
    sweep_interval_seconds: float = Field(default=900.0, gt=0, description="How often orphans are looked for")
