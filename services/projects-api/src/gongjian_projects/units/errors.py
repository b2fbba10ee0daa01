from gongjian_shared.errors import Conflict, NotFound


class UnitNotFound(NotFound):
    slug = "unit-not-found"
    title = "Unit not found"
    title_zh = "单位不存在"


class UnitExists(Conflict):
    slug = "unit-exists"
    title = "A unit with this name or administrative code exists"
    title_zh = "同名或同行政区划代码的单位已存在"
