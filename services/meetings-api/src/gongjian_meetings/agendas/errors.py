from gongjian_shared.errors import Forbidden


class NotTheConvener(Forbidden):
    slug = "not-the-convener"
    title = "Only the convener of this meeting body approves or returns the agenda"
    title_zh = "只有本联席会议召集人可以审定或退回议程"


class AgendaNotCirculated(Forbidden):
    slug = "agenda-not-circulated"
    title = "Member units see the agenda once it is circulated"
    title_zh = "议程印发后成员单位方可查看"
