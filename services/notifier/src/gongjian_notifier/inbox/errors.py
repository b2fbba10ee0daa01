from gongjian_shared.errors import NotFound


class InboxItemNotFound(NotFound):
    slug = "inbox-item-not-found"
    title = "No such item in your inbox"
    title_zh = "您的消息中没有这一条"
