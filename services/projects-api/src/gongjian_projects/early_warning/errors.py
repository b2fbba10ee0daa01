from gongjian_shared.errors import NotFound


class NoWarning(NotFound):
    slug = "warning-not-found"
    title = "The project has not been judged yet"
    title_zh = "该项目尚无预警研判结果"
