from gongjian_shared.errors import Conflict


class MonthFrozen(Conflict):
    slug = "month-frozen"
    title = "The month is frozen: its published figures never change"
    title_zh = "该月已冻结，已发布数据不可更改"


class WindowStillOpen(Conflict):
    slug = "window-still-open"
    title = "The reporting window has not closed yet"
    title_zh = "填报窗口尚未关闭"


class NothingToRemind(Conflict):
    slug = "month-not-remindable"
    title = "Reminders are sent while a month is open or closed, not before it opens or once it is frozen"
    title_zh = "仅可在填报窗口开放后、数据冻结前催报"
