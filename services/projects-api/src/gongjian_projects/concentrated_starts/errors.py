from gongjian_shared.errors import Conflict, NotFound


class ConcentratedStartNotFound(NotFound):
    slug = "concentrated-start-not-found"
    title = "Concentrated start not found"
    title_zh = "集中开工批次不存在"


class ConcentratedStartConflict(Conflict):
    slug = "concentrated-start-state"
    title = "The project or the concentrated start is not in a state that allows this"
    title_zh = "项目或集中开工批次当前状态不允许此操作"
