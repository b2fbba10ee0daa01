from gongjian_shared.errors import Conflict, Forbidden, NotFound


class TopicNotFound(NotFound):
    slug = "topic-not-found"
    title = "Topic not found"
    title_zh = "议题不存在"


class SuggestionNotFound(NotFound):
    slug = "suggestion-not-found"
    title = "Suggestion not found"
    title_zh = "建议议题不存在"


class SubmissionClosed(Conflict):
    """Refused after the cut-off; the problem names the deadline so the unit can ask the office."""

    slug = "topic-submission-closed"
    title = "Topic submission for this meeting is closed"
    title_zh = "本次会议议题征集已截止"


class NotAMember(Forbidden):
    slug = "not-a-member-unit"
    title = "The unit is not a member of this meeting body"
    title_zh = "该单位不是本联席会议成员单位"


class TopicsLocked(Conflict):
    slug = "topics-locked"
    title = "The agenda is with the convener or decided; topics can no longer change"
    title_zh = "议程已报审或已审定，议题不能再修改"


class TopicNotChangeable(Conflict):
    slug = "topic-not-changeable"
    title = "The topic is not in a state that allows this"
    title_zh = "议题当前状态不允许此操作"


class TopicChangesClosed(Conflict):
    """A unit changes or withdraws its own topic until the cut-off; the problem names it."""

    slug = "topic-changes-closed"
    title = "The topic cut-off has passed: only the office may change the topic now"
    title_zh = "议题报送已截止，单位不能再修改或撤回议题"
