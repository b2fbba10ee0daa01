from __future__ import annotations

from gongjian_shared.errors import Conflict, InvalidInput, NotFound, ProblemError, field_error


class EvidenceTooLarge(ProblemError):
    status = 413
    slug = "evidence-too-large"
    title = "The file is larger than allowed"
    title_zh = "文件超过大小上限"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"An evidence file may be at most {limit} bytes (证明材料不得超过 {limit} 字节).",
            errors=[field_error("file", "max-size", f"At most {limit} bytes", f"不得超过 {limit} 字节")],
        )


class EvidenceTypeRefused(ProblemError):
    status = 415
    slug = "evidence-type-refused"
    title = "The file's content is not an allowed type"
    title_zh = "文件内容不是允许的类型"

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(
            "Judged by its content (not its name): photos (JPEG, PNG, WebP, HEIC, TIFF), PDF, OFD, docx, xlsx, pptx.",
            errors=[
                field_error(
                    "file",
                    "allowed-type",
                    "Not a photo, PDF, OFD or Office document",
                    "不是照片、PDF、OFD 或 Office 文档（按文件内容判断）",
                )
            ],
            extra={"allowed": allowed},
        )


class EvidenceEmpty(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "The file is empty.", errors=[field_error("file", "not-empty", "The file is empty", "文件为空")]
        )


class EvidenceNotFound(NotFound):
    slug = "evidence-not-found"
    title = "Evidence file not found"
    title_zh = "证明材料不存在"


class EvidenceDuplicate(Conflict):
    slug = "evidence-duplicate"
    title = "This file is already attached"
    title_zh = "该文件已上传"

    def __init__(self) -> None:
        super().__init__(
            "The same file (by its sha256) is already attached here.",
            errors=[field_error("file", "unique", "Already attached", "该文件已上传")],
        )
