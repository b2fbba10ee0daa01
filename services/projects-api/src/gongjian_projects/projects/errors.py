from gongjian_shared.errors import Conflict, NotFound


class ProjectNotFound(NotFound):
    slug = "project-not-found"
    title = "Project not found"
    title_zh = "项目不存在"


class ProjectCodeTaken(Conflict):
    slug = "project-code-taken"
    title = "Another project has this unified project code"
    title_zh = "统一项目代码已被其他项目使用"


class HandoverConflict(Conflict):
    slug = "handover-done"
    title = "The attraction project was already handed over"
    title_zh = "该招商项目已转为重点项目"


class AttractionStageConflict(Conflict):
    slug = "attraction-stage"
    title = "The attraction project's stage moves forward one step at a time: signed, landed, started"
    title_zh = "招商项目阶段只能依次推进：签约、落地、开工"
