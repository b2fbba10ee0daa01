from gongjian_shared.errors import Conflict, NotFound, ProblemError, RuleViolation


class ProvincialFileRefused(RuleViolation):
    slug = "provincial-file-refused"
    title = "The provincial file cannot be read; nothing was staged"
    title_zh = "省平台文件无法读取，未导入任何数据"


class ProvincialFileTooLarge(ProblemError):
    status = 413
    slug = "provincial-file-too-large"
    title = "The provincial file is too large"
    title_zh = "省平台文件过大"


class BatchNotFound(NotFound):
    slug = "provincial-batch-not-found"
    title = "Provincial import batch not found"
    title_zh = "省平台导入批次不存在"


class RowsNotApplicable(Conflict):
    slug = "provincial-rows-not-applicable"
    title = "Some rows cannot be applied (problems, or not matched to one project)"
    title_zh = "部分行不能应用（有错误，或未唯一匹配到项目）"


class TemplateNotFound(NotFound):
    slug = "provincial-template-not-found"
    title = "Provincial template not found"
    title_zh = "省平台模板不存在"
