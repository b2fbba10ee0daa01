from gongjian_shared.errors import Conflict


class BulletinPublished(Conflict):
    slug = "bulletin-published"
    title = "The bulletin is already published; a published bulletin never changes"
    title_zh = "该季度通报已发布，发布后不再变更"


class QuarterNotFrozen(Conflict):
    slug = "quarter-not-frozen"
    title = "The quarter's last month is not frozen yet"
    title_zh = "该季度末月数据尚未冻结，不能发布通报"
