"""What a file is, judged by its content: a small table of signatures, and the parts inside a zip.

Only the types a government office exchanges as evidence are allowed: photos (JPEG, PNG, WebP, HEIC/HEIF from
phones, TIFF scans), PDF, OFD (GB/T 33190, the national electronic document format) and the Office Open XML
documents (docx, xlsx, pptx). The file name and the client's Content-Type are never consulted: an .exe renamed
.jpg or a text file named .pdf is refused. Legacy binary Office files (.doc, .xls) are not accepted: the
OLE container they share does not say which it is without parsing it; an office saves them as docx/xlsx or PDF.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

HEAD_BYTES = 64
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OFD = "application/ofd"

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", PDF),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_HEIF_BRANDS = {b"heic": "image/heic", b"heix": "image/heic", b"heim": "image/heic", b"heis": "image/heic",
                b"hevc": "image/heic-sequence", b"hevx": "image/heic-sequence",
                b"mif1": "image/heif", b"msf1": "image/heif-sequence"}  # fmt: skip
# the part that makes a zip one of these documents (besides [Content_Types].xml for Office Open XML)
_ZIP_PARTS: tuple[tuple[str, str], ...] = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)

ALLOWED = frozenset(
    {media for _, media in _PREFIXES}
    | set(_HEIF_BRANDS.values())
    | {media for _, media in _ZIP_PARTS}
    | {"image/webp", OFD}
)
EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", PDF: ".pdf", "image/tiff": ".tif", "image/webp": ".webp",
    "image/heic": ".heic", "image/heic-sequence": ".heics", "image/heif": ".heif",
    "image/heif-sequence": ".heifs", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx", OFD: ".ofd",
}  # fmt: skip


def media_type_of_head(head: bytes) -> str | None:
    """The media type the first bytes prove, for every allowed type but the zip-based documents."""
    for prefix, media in _PREFIXES:
        if head.startswith(prefix):
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return _HEIF_BRANDS.get(head[8:12])
    return None


def _zip_document(source: BinaryIO) -> str | None:
    """A docx/xlsx/pptx or an OFD: read from the zip's central directory alone, nothing is decompressed."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" not in names:
        return None
    return next((media for part, media in _ZIP_PARTS if part in names), None)


def media_type_of(source: BinaryIO) -> str | None:
    """The allowed media type `source` holds, or None; reads from its start and leaves it at its start."""
    source.seek(0)
    head = source.read(HEAD_BYTES)
    try:
        if head.startswith(b"PK\x03\x04"):
            source.seek(0)
            return _zip_document(source)
        return media_type_of_head(head)
    finally:
        source.seek(0)
