from gongjian_shared.errors import Conflict, NotFound


class ObstacleNotFound(NotFound):
    slug = "obstacle-not-found"
    title = "Obstacle not found"
    title_zh = "台帐问题不存在"


class ObstacleState(Conflict):
    slug = "obstacle-state"
    title = "The obstacle is not in a state that allows this"
    title_zh = "台帐问题当前状态不允许此操作"
