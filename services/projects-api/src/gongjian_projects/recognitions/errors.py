from gongjian_shared.errors import Conflict, NotFound


class RecognitionNotFound(NotFound):
    slug = "recognition-not-found"
    title = "Recognition application not found"
    title_zh = "认定申请不存在"


class RecognitionConflict(Conflict):
    slug = "recognition-state"
    title = "The project or application is not in a state that allows this"
    title_zh = "项目或认定申请当前状态不允许此操作"
