from __future__ import annotations

from gongjian_shared.errors import NotFound


class DeadLetterNotFound(NotFound):
    slug = "dead-letter-not-found"
    title = "No such dead letter of the push adapter"
    title_zh = "没有该推送失败记录"
