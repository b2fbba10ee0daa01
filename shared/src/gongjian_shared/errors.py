"""One error hierarchy, rendered by one handler as RFC 9457 problem details in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/problems/"
PROBLEM_SCHEMA_REF = "#/components/schemas/ProblemDetails"


class FieldError(BaseModel):
    """One offending field: where it is, which rule it broke, and what to do, in both languages."""

    field: str
    rule: str
    message: str
    message_zh: str


class ProblemDetails(BaseModel):
    type: str
    title: str
    title_zh: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    allowed: list[str] | None = None
    deadline: str | None = None
    correlation_id: str | None = Field(
        default=None, description="On a 500: the X-Correlation-ID to quote; the error's log line carries it."
    )


class ProblemError(Exception):
    """Base of every error a route may raise on purpose."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"
    title_zh: str = "请求有误"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors)
        self.extra = extra or {}

    def problem(self, instance: str | None = None) -> ProblemDetails:
        return ProblemDetails(
            type=PROBLEM_TYPE_BASE + self.slug,
            title=self.title,
            title_zh=self.title_zh,
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
            **self.extra,
        )


class InvalidInput(ProblemError):
    status = 422
    slug = "invalid-input"
    title = "Invalid input"
    title_zh = "输入有误"


class RuleViolation(ProblemError):
    """The payload is well formed but breaks a business rule (a future month, a decreasing cumulative)."""

    status = 422
    slug = "rule-violation"
    title = "The request breaks a business rule"
    title_zh = "请求违反业务规则"


class NotAuthenticated(ProblemError):
    status = 401
    slug = "not-authenticated"
    title = "Not authenticated"
    title_zh = "未登录或令牌无效"


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Not allowed"
    title_zh = "无权操作"


class NotFound(ProblemError):
    status = 404
    slug = "not-found"
    title = "Not found"
    title_zh = "未找到"


class Conflict(ProblemError):
    status = 409
    slug = "conflict"
    title = "Conflict with the current state"
    title_zh = "与当前状态冲突"


class PreconditionFailed(ProblemError):
    status = 412
    slug = "precondition-failed"
    title = "The resource changed since you read it"
    title_zh = "数据已被他人修改，请刷新后重试"


class PreconditionRequired(ProblemError):
    status = 428
    slug = "precondition-required"
    title = "If-Match is required for this update"
    title_zh = "更新需要 If-Match 请求头"


class ServiceUnavailable(ProblemError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable"
    title_zh = "服务暂不可用"


def field_error(field: str, rule: str, message: str, message_zh: str) -> FieldError:
    return FieldError(field=field, rule=rule, message=message, message_zh=message_zh)


_ZH_BY_PYDANTIC_TYPE = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "JSON 格式错误",
    "json_type": "请求体必须是 JSON 对象",
    "model_attributes_type": "请求体必须是 JSON 对象",
    "model_type": "请求体必须是 JSON 对象",
    "string_type": "必须是字符串",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数",
    "decimal_type": "必须是数字",
    "decimal_parsing": "必须是数字",
    "float_type": "必须是数字",
    "float_parsing": "必须是数字",
    "bool_type": "必须是布尔值",
    "bool_parsing": "必须是布尔值",
    "date_type": "必须是日期 (YYYY-MM-DD)",
    "date_parsing": "必须是日期 (YYYY-MM-DD)",
    "date_from_datetime_parsing": "必须是日期 (YYYY-MM-DD)",
    "datetime_parsing": "必须是日期时间 (ISO 8601)",
    "datetime_type": "必须是日期时间 (ISO 8601)",
    "uuid_parsing": "必须是 UUID",
    "uuid_type": "必须是 UUID",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_short": "字符串太短",
    "string_too_long": "字符串太长",
    "string_pattern_mismatch": "格式不符合要求",
    "greater_than": "数值太小",
    "greater_than_equal": "数值太小",
    "less_than": "数值太大",
    "less_than_equal": "数值太大",
    "list_type": "必须是数组",
    "too_short": "元素太少",
    "too_long": "元素太多",
    "decimal_max_places": "小数位数太多",
    "decimal_max_digits": "数字位数太多",
    "value_error": "取值无效",
    "control_character": "不能包含控制字符",
    "string_unicode": "包含无效的 Unicode 字符",
    "blank": "不能为空",
    "not_null": "不能为 null",
    "money_format": "金额格式有误",
    "money_type": "必须是金额",
    "finite_number": "必须是有限的数值",
    "assertion_error": "取值无效",
}


_BOUND_RULES = {  # rule: (its bound in the error context, how the Chinese message names it)
    "greater_than": ("gt", "须大于"),
    "greater_than_equal": ("ge", "最小为"),
    "less_than": ("lt", "须小于"),
    "less_than_equal": ("le", "最大为"),
}
# Rules whose messages name the field, so a client can show them without the path.
_NAMED_RULES = frozenset(
    {
        *_BOUND_RULES,
        "control_character",
        "blank",
        "money_format",
        "money_type",
        "string_too_short",
        "string_too_long",
        "int_parsing",
        "decimal_max_places",
        "decimal_max_digits",
    }
)


def _string_length(rule: str, context: dict[str, Any]) -> tuple[str, str]:
    """A length checked after a gongjian_shared.types validator: pydantic words it for lists, not strings."""
    if rule == "too_short":
        return "string_too_short", f"String should have at least {context.get('min_length')} character(s)"
    return "string_too_long", f"String should have at most {context.get('max_length')} characters"


def _field_path(loc: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def pydantic_field_errors(raw_errors: Sequence[Any]) -> list[FieldError]:
    """Translate pydantic's error list into field errors, with a Chinese message for each rule."""
    translated = []
    for raw in raw_errors:
        rule = str(raw.get("type", "value_error"))
        message = str(raw.get("msg", "invalid value"))
        zh = _ZH_BY_PYDANTIC_TYPE.get(rule, "取值无效")
        context = raw.get("ctx") or {}
        if rule in ("too_short", "too_long") and isinstance(raw.get("input"), str):
            rule, message = _string_length(rule, context)
        if "error" in context and rule == "value_error":
            zh = f"{zh}：{context['error']}"
        loc = tuple(raw.get("loc", ()))
        if "message_zh" in context:  # gongjian_shared.types: the error carries its own Chinese text
            zh = str(context["message_zh"])
        if rule in _BOUND_RULES and _BOUND_RULES[rule][0] in context:
            key, words = _BOUND_RULES[rule]
            zh = f"{zh}（{words} {context[key]}）"
        if rule in _NAMED_RULES and loc:
            leaf = str(loc[-1])
            message, zh = f"{leaf}: {message}", f"{leaf}：{zh}"
        if rule == "json_invalid" and len(loc) == 2:  # ("body", character position)
            message, zh = f"{message} at character {loc[1]}", f"{zh}（第 {loc[1]} 个字符）"
            loc = loc[:1]
        translated.append(FieldError(field=_field_path(loc), rule=rule, message=message, message_zh=zh))
    return translated


def problem_response(problem: ProblemDetails, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(exc.problem(instance=request.url.path), headers)


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problem = InvalidInput(
        "The request did not pass validation; see errors for each field.",
        errors=pydantic_field_errors(exc.errors()),
    ).problem(instance=request.url.path)
    return problem_response(problem)


_HTTP_TITLES = {
    400: ("Malformed request body", "请求体无法解析", "malformed-body"),
    404: ("Not found", "未找到", "not-found"),
    405: ("Method not allowed", "不支持的请求方法", "method-not-allowed"),
    401: ("Not authenticated", "未登录或令牌无效", "not-authenticated"),
    403: ("Not allowed", "无权操作", "forbidden"),
    413: ("Request body too large", "请求体过大", "payload-too-large"),
}


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title, title_zh, slug = _HTTP_TITLES.get(exc.status_code, ("Error", "错误", "http-error"))
    problem = ProblemDetails(
        type=PROBLEM_TYPE_BASE + slug,
        title=title,
        title_zh=title_zh,
        status=exc.status_code,
        detail=str(exc.detail) if exc.detail else None,
        instance=request.url.path,
    )
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return problem_response(problem, headers or None)


def _allowed_methods(request: Request) -> str:
    """Every method some route of this path takes (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in _flat_routes(request.app.router.routes):
        match, _ = route.matches(dict(request.scope))
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def _flat_routes(routes: Iterable[Any]) -> Iterator[Any]:
    # FastAPI keeps an included router as one route; its effective routes are what match a path.
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        else:
            yield route


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)


def internal_error_problem(correlation_id: str, instance: str | None = None) -> ProblemDetails:
    """The body of every 500: no internals, only the correlation id to quote to the operators."""
    return ProblemDetails(
        type=PROBLEM_TYPE_BASE + "internal-error",
        title="Internal server error",
        title_zh="服务器内部错误",
        status=500,
        detail=f"An unexpected error occurred; quote correlation id {correlation_id} (请提供关联编号).",
        instance=instance,
        correlation_id=correlation_id,
    )


OUTAGE_RETRY_AFTER_SECONDS = 5


def unavailable_problem(correlation_id: str, instance: str | None = None) -> ProblemDetails:
    """The body of a 503: the database or a peer was away (restarting, refusing sessions, unreachable).
    Nothing was done; the same request may be sent again after `Retry-After`."""
    return ProblemDetails(
        type=PROBLEM_TYPE_BASE + "service-unavailable",
        title="Service temporarily unavailable",
        title_zh="服务暂时不可用，请稍后重试",
        status=503,
        detail=(
            "A database or service this request needs is not reachable right now; nothing was changed. "
            f"Retry after {OUTAGE_RETRY_AFTER_SECONDS} s (correlation id {correlation_id}) "
            f"(所需的数据库或服务暂时不可用，未作任何更改，请 {OUTAGE_RETRY_AFTER_SECONDS} 秒后重试)."
        ),
        instance=instance,
        correlation_id=correlation_id,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: every listed status documented as problem details.

    The schema is a reference: every service's document registers `ProblemDetails` in its components
    (`gongjian_shared.contract.with_problem_schemas`), so generated clients type the body, `errors[]` too.
    """
    return {
        status: {
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
            "description": "Problem details (RFC 9457)",
        }
        for status in statuses
    }
