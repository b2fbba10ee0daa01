"""Evidence files (证明材料: site photos, permits, acceptance reports) kept beside the rows they support.

One small interface, :class:`~gongjian_shared.evidence.store.BlobStore`, with two backends: the local file
system under the data folder (the default) and an S3-compatible object store (settings). Uploads are checked
here once for every service: a size limit, the type judged by the content's first bytes (never by the file
name or the client's Content-Type), and a sha256 recorded. The blob is written first and the row second; a
failed transaction deletes the blob, and a periodic sweep deletes any blob left without a row.
"""

from __future__ import annotations

from gongjian_shared.evidence.settings import EvidenceSettings, S3StoreSettings
from gongjian_shared.evidence.store import BlobInfo, BlobStore, FileSystemStore, open_store

__all__ = ["BlobInfo", "BlobStore", "EvidenceSettings", "FileSystemStore", "S3StoreSettings", "open_store"]
