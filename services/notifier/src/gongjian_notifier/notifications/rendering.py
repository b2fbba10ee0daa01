"""Chinese templates per event type (Jinja2): a `title` block and a `body` block, with deep links.

Templates in `settings.templates_dir` win over the built-in ones, so the office's wording can change without
a release. Undefined variables are errors: a template that does not fit its event is held, not sent half-empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError

from gongjian_shared.clock import SHANGHAI

URGENCY_ZH = {"urgent": "紧急", "normal": "一般", "low": "提示"}


class TemplateFailure(Exception):
    """A template that is missing, broken, or does not fit the event's data."""


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def date_zh(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI)
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def amount(value: Decimal | int | float | str) -> str:
    number = Decimal(str(value))
    return f"{number.normalize():f}"


class Renderer:
    def __init__(self, templates_dir: Path | None, frontend_base_url: str) -> None:
        loaders: list[Any] = []
        if templates_dir is not None:
            loaders.append(FileSystemLoader(templates_dir))
        loaders.append(PackageLoader("gongjian_notifier", "templates"))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
            # templates are read once: no stat() of their files on every render (a changed template in
            # `templates_dir` takes a restart)
            auto_reload=False,
        )
        self._env.filters["date_zh"] = date_zh
        self._env.filters["amount"] = amount
        self._env.globals["urgency_zh"] = URGENCY_ZH
        self.base_url = frontend_base_url.rstrip("/")

    def link(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def render(self, name: str, context: dict[str, Any]) -> Rendered:
        try:
            template = self._env.get_template(f"{name}.j2")
            variables = template.new_context(context | {"base_url": self.base_url})
            title = "".join(template.blocks["title"](variables)).strip()
            body = "".join(template.blocks["body"](variables)).strip()
        except (TemplateError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise TemplateFailure(f"template {name}.j2: {type(exc).__name__}: {exc}") from exc
        if not title:
            raise TemplateFailure(f"template {name}.j2 rendered an empty title")
        return Rendered(title=title[:200], body=body)
