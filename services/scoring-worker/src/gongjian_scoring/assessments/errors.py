from gongjian_shared.errors import NotFound


class AssessmentNotFound(NotFound):
    slug = "assessment-not-found"
    title = "No published assessment"
    title_zh = "考核结果尚未发布"
