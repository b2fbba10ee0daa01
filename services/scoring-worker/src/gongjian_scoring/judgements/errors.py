from gongjian_shared.errors import NotFound, RuleViolation


class JudgementNotFound(NotFound):
    slug = "judgement-not-found"
    title = "Judgement not found"
    title_zh = "考核认定记录不存在"


class JudgementRejected(RuleViolation):
    slug = "judgement-rejected"
    title = "The judgement breaks an assessment rule"
    title_zh = "考核认定不符合规则"
