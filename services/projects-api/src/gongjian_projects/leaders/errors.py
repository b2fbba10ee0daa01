from gongjian_shared.errors import Conflict, NotFound


class LeaderNotFound(NotFound):
    slug = "leader-not-found"
    title = "Leader not found"
    title_zh = "包抓领导不存在"


class AccountNotFound(NotFound):
    slug = "account-not-found"
    title = "Account not found"
    title_zh = "账号不存在"


class AccountTaken(Conflict):
    slug = "account-taken"
    title = "The account is linked to another leader"
    title_zh = "该账号已关联其他包抓领导"
