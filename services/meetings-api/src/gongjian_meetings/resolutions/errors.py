from gongjian_shared.errors import Conflict, Forbidden, NotFound


class ResolutionNotFound(NotFound):
    slug = "resolution-not-found"
    title = "Resolution not found"
    title_zh = "议定事项不存在"


class FeedbackNotFound(NotFound):
    slug = "feedback-not-found"
    title = "Feedback not found"
    title_zh = "书面反馈不存在"


class NotResponsible(Forbidden):
    slug = "not-responsible-unit"
    title = "Only the resolution's lead or supporting units give feedback on it"
    title_zh = "只有议定事项的牵头或配合单位可以反馈"


class ResolutionClosed(Conflict):
    slug = "resolution-closed"
    title = "The resolution is closed"
    title_zh = "议定事项已办结"


class FeedbackReviewed(Conflict):
    slug = "feedback-reviewed"
    title = "The feedback was already checked"
    title_zh = "该反馈已核验"


class ResolutionNotOverdue(Conflict):
    """Escalation is for overdue resolutions (the day after the due date on)."""

    slug = "resolution-not-overdue"
    title = "The resolution is not overdue: there is nothing to escalate yet"
    title_zh = "议定事项尚未逾期，不能升级督办"


class EscalationOutOfOrder(Conflict):
    """The ladder is climbed one level at a time; `allowed` names the next one."""

    slug = "escalation-out-of-order"
    title = "The resolution escalates one level at a time"
    title_zh = "督办须逐级升级"
