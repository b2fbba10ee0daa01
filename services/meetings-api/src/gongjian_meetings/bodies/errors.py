from gongjian_shared.errors import NotFound


class BodyNotFound(NotFound):
    slug = "meeting-body-not-found"
    title = "Meeting body not found"
    title_zh = "联席会议不存在"
