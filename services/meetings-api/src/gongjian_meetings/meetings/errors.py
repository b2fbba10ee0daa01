from __future__ import annotations

from gongjian_meetings.meetings.rules import allowed_next
from gongjian_shared.errors import Conflict, NotFound


class MeetingNotFound(NotFound):
    slug = "meeting-not-found"
    title = "Meeting not found"
    title_zh = "会议不存在"


class InvalidTransition(Conflict):
    slug = "invalid-meeting-transition"
    title = "The meeting cannot take this step in its current state"
    title_zh = "会议当前状态不允许此操作"

    def __init__(self, state: str, action: str) -> None:
        allowed = list(allowed_next(state))
        super().__init__(
            f"The meeting is {state}; '{action}' is not possible now. Allowed next states: "
            f"{', '.join(allowed) or 'none'} (会议当前状态为 {state}，不能{action}).",
            extra={"allowed": allowed},
        )


class SeriesExists(Conflict):
    slug = "series-meeting-exists"
    title = "The series already has a meeting in this month"
    title_zh = "该月定期会议已存在"
