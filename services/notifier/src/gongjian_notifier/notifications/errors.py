from gongjian_shared.errors import Conflict, NotFound


class NotificationNotFound(NotFound):
    slug = "notification-not-found"
    title = "Notification not found"
    title_zh = "通知不存在"


class DeliveryNotRetryable(Conflict):
    slug = "delivery-not-retryable"
    title = "Only a failed push can be sent again"
    title_zh = "只有发送失败的推送可以重发"


class DeliveryNotFound(NotFound):
    slug = "delivery-not-found"
    title = "Delivery not found"
    title_zh = "送达记录不存在"
