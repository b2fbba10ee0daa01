from gongjian_shared.errors import NotAuthenticated


class WrongCredentials(NotAuthenticated):
    slug = "wrong-credentials"
    title = "Wrong username or password"
    title_zh = "用户名或密码错误"
