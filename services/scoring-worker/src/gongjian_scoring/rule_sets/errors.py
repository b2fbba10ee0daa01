from gongjian_shared.errors import Conflict, NotFound


class RuleSetNotFound(NotFound):
    slug = "rule-set-not-found"
    title = "Rule set not found"
    title_zh = "考核评分表不存在"


class RuleSetExists(Conflict):
    slug = "rule-set-exists"
    title = "A rule set with this id, or for this year and unit kind, exists"
    title_zh = "该考核评分表（或同年度同类别的评分表）已存在"
