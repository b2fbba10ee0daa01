from gongjian_shared.errors import Conflict


class PlanPublished(Conflict):
    slug = "plan-published"
    title = "The plan is already published"
    title_zh = "年度计划已发布"


class RemovalConflict(Conflict):
    slug = "removal-state"
    title = "The project cannot be taken off the plan in its state"
    title_zh = "项目当前状态不能调出计划"


class CarryOverRefused(Conflict):
    slug = "carry-over-refused"
    title = "Entries cannot be carried over into the year's plan"
    title_zh = "项目不能结转入年度计划"
