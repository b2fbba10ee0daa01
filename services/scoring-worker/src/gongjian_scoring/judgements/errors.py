from gongjian_shared.errors import Conflict, NotFound, RuleViolation


class JudgementNotFound(NotFound):
    slug = "judgement-not-found"
    title = "Judgement not found"
    title_zh = "考核认定记录不存在"


class JudgementRejected(RuleViolation):
    slug = "judgement-rejected"
    title = "The judgement breaks an assessment rule"
    title_zh = "考核认定不符合规则"


class JudgementWithdrawn(Conflict):
    """The judgement was withdrawn already: withdrawing it again changes nothing (409, not a bad request)."""

    slug = "judgement-withdrawn"
    title = "The judgement is already withdrawn"
    title_zh = "考核认定已撤销"
