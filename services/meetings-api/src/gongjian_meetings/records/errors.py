from gongjian_shared.errors import Conflict


class ResolutionsOpen(Conflict):
    slug = "resolutions-open"
    title = "The meeting has resolutions still open"
    title_zh = "本次会议仍有未办结的议定事项"
