"""Evidence files without a server: the content check, file names, Content-Disposition, the file-system store."""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from urllib.parse import unquote

import pytest

from gongjian_shared.evidence.sniff import DOCX, OFD, PPTX, XLSX, media_type_of
from gongjian_shared.evidence.store import BlobMissing, FileSystemStore, check_key
from gongjian_shared.evidence.upload import clean_file_name, content_disposition, storage_key, written_at


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xd8\xff\xe1\x00\x10Exif", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "image/heif"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (zipped("[Content_Types].xml", "word/document.xml"), DOCX),
        (zipped("[Content_Types].xml", "xl/workbook.xml"), XLSX),
        (zipped("[Content_Types].xml", "ppt/presentation.xml"), PPTX),
        (zipped("OFD.xml", "Doc_0/Document.xml"), OFD),
        # refused: an executable, text, a zip that is no document, a truncated zip, a video, nothing at all
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", None),
        ("这不是 PDF".encode(), None),
        (b"  %PDF-1.7 (not at the start)", None),
        (zipped("word/document.xml"), None),  # no [Content_Types].xml
        (zipped("readme.txt"), None),
        (zipped("[Content_Types].xml", "word/document.xml")[:40], None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", None),
        (b"", None),
    ],
)
def test_the_type_is_judged_by_the_content(content: bytes, expected: str | None) -> None:
    source = io.BytesIO(content)
    assert media_type_of(source) == expected
    assert source.tell() == 0  # left where the upload starts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("开工现场照片.jpg", "开工现场照片.jpg"),
        ("C:\\Users\\张三\\Desktop\\施工许可证.pdf", "施工许可证.pdf"),
        ("../../etc/passwd", "passwd"),
        ("验收\x00报告\u202e.pdf", "验收报告.pdf"),
        ("", "evidence.jpg"),
        ("..", "evidence.jpg"),
        (None, "evidence.jpg"),
    ],
)
def test_file_names_keep_the_name_and_lose_folders_and_controls(raw: str | None, expected: str) -> None:
    assert clean_file_name(raw, "image/jpeg") == expected


def test_a_long_name_keeps_its_extension() -> None:
    name = clean_file_name("很" * 300 + ".docx", DOCX)
    assert len(name) == 200 and name.endswith(".docx")


def test_content_disposition_names_the_file_in_utf8_with_an_ascii_fallback() -> None:
    header = content_disposition('进度报告 "5月".pdf')
    message = Message()
    message["Content-Disposition"] = header
    assert message.get_content_disposition() == "attachment"
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and '"' not in fallback and fallback.endswith(".pdf")
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == '进度报告 "5月".pdf'


def test_the_key_carries_its_time_for_the_sweep() -> None:
    at = datetime(2019, 5, 26, 2, 3, 4, 567000, tzinfo=UTC)
    evidence_id = uuid.uuid4()
    key = storage_key("projects-api", "recognition", evidence_id, at)
    assert key == f"projects-api/recognition/20190526T020304567000Z-{evidence_id.hex}"
    assert check_key(key) == key and written_at(key) == at
    assert written_at("projects-api/recognition/not-ours") is None
    for bad in ("../x", "a//b", "/abs", "a/../b", "a b"):
        with pytest.raises(ValueError, match="not a blob key"):
            check_key(bad)


async def test_the_file_system_store_writes_whole_files_and_deletes_idempotently(tmp_path: Path) -> None:
    store = FileSystemStore(tmp_path)
    content = os.urandom(200_000)
    await store.put("svc/topic/a", io.BytesIO(content), len(content))
    assert b"".join([chunk async for chunk in await store.open("svc/topic/a")]) == content
    assert [info.key async for info in store.listing("svc")] == ["svc/topic/a"]
    assert list((tmp_path / ".partial").iterdir()) == []  # the temporary file was renamed into place

    class Failing(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        await store.put("svc/topic/b", Failing(b"x"), 1)
    assert list((tmp_path / ".partial").iterdir()) == [] and not (tmp_path / "svc/topic/b").exists()

    await store.delete("svc/topic/a")
    await store.delete("svc/topic/a")
    with pytest.raises(BlobMissing):
        await store.open("svc/topic/a")
    assert [info.key async for info in store.listing("svc")] == []
