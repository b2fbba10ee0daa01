from gongjian_shared.errors import Conflict, NotFound


class ReportNotFound(NotFound):
    slug = "progress-report-not-found"
    title = "Progress report not found"
    title_zh = "进度报告不存在"


class ReportExists(Conflict):
    slug = "progress-report-exists"
    title = "This project already has a report for that month"
    title_zh = "该项目本月已上报进度"


class ReportNotAcceptable(Conflict):
    slug = "progress-report-state"
    title = "The report is not in a state that allows this"
    title_zh = "进度报告当前状态不允许此操作"
