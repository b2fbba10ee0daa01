"""Facts documents that cannot be scored, as problem details naming the unit and the field."""

from __future__ import annotations

from gongjian_scoring.engine.errors import FactsError
from gongjian_shared.errors import Conflict, FieldError, InvalidInput, NotFound, pydantic_field_errors

# Chinese messages for the checks the scoring engine adds to pydantic's own.
FACTS_RULES_ZH = {
    "missing": "缺少评分所需字段",
    "date_after_as_of": "日期晚于考核截止日期",
    "duplicate_unit": "单位重复",
    "duplicate_project": "项目重复",
    "unit_kind_mismatch": "考核对象类别不符",
    "year_mismatch": "年度与评分表不符",
    "unknown_rule_set": "评分表不存在",
    "as_of_before_facts": "考核截止日期早于事实数据日期",
    "as_of_before_year": "考核截止日期早于考核年度",
}


class UnitNotScored(NotFound):
    slug = "unit-not-scored"
    title = "No assessment scores this unit"
    title_zh = "该单位不在考核范围内"


class FactsImportNotFound(NotFound):
    slug = "facts-import-not-found"
    title = "Facts import not found"
    title_zh = "导入记录不存在"


class FactsRejected(InvalidInput):
    slug = "facts-rejected"
    title = "The facts document cannot be scored"
    title_zh = "考核事实数据有误，无法评分"


class FactsDoNotFitTheRuleSet(Conflict):
    """409: a well-formed facts document that the stored rule set cannot score (a field it needs, its year)."""

    slug = "facts-do-not-fit-the-rule-set"
    title = "The facts document does not fit the rule set"
    title_zh = "考核事实数据与评分表不符，无法评分"


def facts_problem(
    error: FactsError, *, against_rule_set: bool = False
) -> FactsRejected | FactsDoNotFitTheRuleSet:
    """Each error names its field by path in the request body; the message names the unit.

    A document that is malformed by itself is a 422; one scored against the stored rule set and found not to
    fit it (`against_rule_set`) is a 409, since whether it fits depends on what is stored."""
    raw = [{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors]
    errors: list[FieldError] = []
    for field_error_ in pydantic_field_errors(raw):
        zh = FACTS_RULES_ZH.get(field_error_.rule)
        if zh:
            unit = field_error_.message.split(":", 1)[0] if ":" in field_error_.message else ""
            field_error_ = field_error_.model_copy(update={"message_zh": f"{unit}：{zh}" if unit else zh})
        errors.append(field_error_)
    problem = FactsDoNotFitTheRuleSet if against_rule_set else FactsRejected
    return problem("The facts document was not scored and nothing was stored.", errors=errors)
