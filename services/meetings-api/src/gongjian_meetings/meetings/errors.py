from __future__ import annotations

from gongjian_meetings.meetings.rules import allowed_next
from gongjian_shared.errors import Conflict, NotFound


class MeetingNotFound(NotFound):
    slug = "meeting-not-found"
    title = "Meeting not found"
    title_zh = "会议不存在"


STATE_ZH = {
    "scheduled": "已排期",
    "collecting_topics": "征集议题中",
    "drafting_agenda": "拟定议程中",
    "awaiting_approval": "待召集人审定",
    "approved": "议程已审定",
    "circulated": "议程已印发",
    "held": "已召开",
    "minutes_published": "纪要已印发",
    "closed": "已闭环",
    "cancelled": "已取消",
}

ACTION_ZH = {
    "submit the agenda": "报送议程",
    "approve the agenda": "审定议程",
    "return the agenda": "退回议程",
    "circulate the agenda": "印发议程",
    "record the meeting as held": "登记会议已召开",
    "publish the minutes": "印发会议纪要",
    "close the meeting": "会议闭环",
    "cancel": "取消会议",
    "open topic collection": "开始征集议题",
    "close topic submission": "截止议题报送",
    "close topic collection early": "提前截止议题征集",
    "reopen topic collection": "重新征集议题",
    "correct the attendance": "修改出席情况",
    "record a resolution": "登记议定事项",
    "reschedule": "改期",
    "write the minutes": "撰写会议纪要",
}


class InvalidTransition(Conflict):
    slug = "invalid-meeting-transition"
    title = "The meeting cannot take this step in its current state"
    title_zh = "会议当前状态不允许此操作"

    def __init__(self, state: str, action: str) -> None:
        allowed = list(allowed_next(state))
        allowed_zh = "、".join(STATE_ZH.get(s, s) for s in allowed) or "无"
        super().__init__(
            f"The meeting is {state}; '{action}' is not possible now. Allowed next states: "
            f"{', '.join(allowed) or 'none'} (会议当前状态为“{STATE_ZH.get(state, state)}”，不能"
            f"{ACTION_ZH.get(action, '执行此操作')}；可转入的状态：{allowed_zh}).",
            extra={"allowed": allowed},
        )
