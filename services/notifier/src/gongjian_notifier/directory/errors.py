from gongjian_shared.errors import NotFound, RuleViolation


class UnitNotFound(NotFound):
    slug = "unit-not-found"
    title = "Unit not found in the notifier's directory"
    title_zh = "通知目录中没有该单位"


class PersonNotFound(NotFound):
    slug = "person-not-found"
    title = "Person not found in the notifier's directory"
    title_zh = "通知目录中没有该人员"


class ChannelUnavailable(RuleViolation):
    slug = "channel-unavailable"
    title = "A chosen channel has no address to send to"
    title_zh = "所选通知渠道缺少发送地址"


class OutboundUrlRefused(RuleViolation):
    slug = "outbound-url-refused"
    title = "The URL may not be called from the platform"
    title_zh = "该地址不允许由平台外发调用"
