"""Every event the notifier plans for renders in Chinese with its deep link, from a payload of the contract."""

from __future__ import annotations

import types
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from gongjian_notifier.channels.base import Message
from gongjian_notifier.channels.sms import sms_text
from gongjian_notifier.notifications.catalogue import PLANNERS
from gongjian_notifier.notifications.handlers import NOTIFICATION_HANDLERS
from gongjian_notifier.notifications.rendering import Renderer, TemplateFailure
from gongjian_shared.events.envelope import EventPayload

RENDERER = Renderer(None, "http://front.test/")


def sample(annotation: Any) -> Any:
    """A plausible value of a contract field's type, for payloads built without hand-writing each one."""
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin in (Union, types.UnionType):
        return sample(next(arg for arg in get_args(annotation) if arg is not type(None)))
    if origin is tuple:
        return (sample(get_args(annotation)[0]),)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation(**{name: sample(f.annotation) for name, f in annotation.model_fields.items()})
    return {
        uuid.UUID: uuid.uuid4(),
        str: "示例",
        int: 3,
        bool: True,
        date: date(2024, 10, 8),
        datetime: datetime(2024, 10, 8, 9, 0, tzinfo=UTC),
        Decimal: Decimal("41.50"),
    }[annotation]


def test_the_notifier_plans_for_the_deadline_and_workflow_events_of_the_issue() -> None:
    wanted = {
        "progress-report-due", "progress-report-late", "progress-report-returned", "project-behind-schedule",
        "topic-submission-closing", "agenda-review-due", "agenda-circulated", "meeting-upcoming",
        "resolution-due", "resolution-overdue", "resolution-escalated", "feedback-submitted",
    }  # fmt: skip
    assert wanted <= {payload.event_type for payload in PLANNERS}


def test_the_notifications_group_consumes_exactly_the_planned_events() -> None:
    assert set(NOTIFICATION_HANDLERS) == set(PLANNERS)


@pytest.mark.parametrize("model", list(PLANNERS), ids=lambda model: model.event_type)
def test_every_planned_event_renders_for_every_audience(model: type[EventPayload]) -> None:
    payload = model(**{name: sample(f.annotation) for name, f in model.model_fields.items()})
    plan = PLANNERS[model](payload)
    assert plan.audiences, "somebody must hear of it"
    assert plan.link_path.startswith("/")
    for audience in plan.audiences:
        context = {
            **plan.context,
            **audience.context,
            "unit_name": "汉滨区",
            "office_name": "联席会议办公室",
            "link": RENDERER.link(plan.link_path),
            "ack_link": RENDERER.link("/inbox/1"),
            "needs_ack": plan.needs_ack,
            "ack_due_at": datetime(2024, 10, 9, 1, 0, tzinfo=UTC),
            "urgency": plan.urgency,
            "escalation_level": 0,
        }
        rendered = RENDERER.render(plan.template, context)
        assert rendered.title.startswith("【"), rendered.title
        assert "None" not in rendered.title + rendered.body
        if plan.needs_ack:
            assert "http://front.test/inbox/1" in rendered.body


def test_progress_report_due_text() -> None:
    rendered = RENDERER.render(
        "progress-report-due",
        {
            "year": 2024,
            "month": 9,
            "window_closes_at": datetime(2024, 10, 8, 9, 30, tzinfo=UTC),
            "unit_name": "汉滨区",
            "project_count": 2,
            "needs_ack": True,
            "ack_link": "http://front.test/inbox/x",
            "ack_due_at": None,
        },
    )
    assert rendered.title == "【催报】2024年9月重点项目进度尚未报送"
    assert rendered.body.splitlines()[0] == "汉滨区："
    assert "2 个重点项目" in rendered.body
    assert "2024年10月8日 17:30" in rendered.body  # Asia/Shanghai


def test_a_template_that_does_not_fit_its_data_is_a_failure_not_a_half_message(tmp_path: Path) -> None:
    (tmp_path / "progress-report-late.j2").write_text("{% block title %}{{ nonexistent }}{% endblock %}")
    (tmp_path / "progress-report-returned.j2").write_text("{% block title %}{% if %}{% endblock %}")
    renderer = Renderer(tmp_path, "http://front.test")
    with pytest.raises(TemplateFailure, match="nonexistent"):
        renderer.render("progress-report-late", {})
    with pytest.raises(TemplateFailure, match="progress-report-returned"):
        renderer.render("progress-report-returned", {})
    with pytest.raises(TemplateFailure, match="no-such-event"):
        renderer.render("no-such-event", {})


def test_office_templates_win_over_the_built_in_ones(tmp_path: Path) -> None:
    (tmp_path / "progress-report-late.j2").write_text(
        "{% block title %}自定义：{{ year }}{% endblock %}{% block body %}正文{% endblock %}"
    )
    assert (
        Renderer(tmp_path, "http://x").render("progress-report-late", {"year": 2024}).title == "自定义：2024"
    )


def sms_message() -> Message:
    return Message(
        delivery_id=1,
        key="k",
        address="1",
        recipient_name="张",
        title="【催报】2024年9月重点项目进度尚未报送",
        body="汉滨区：\n贵单位尚有 2 个重点项目未报送。",
        link="http://127.0.0.1:8000/progress-reports?year=2024&month=9",
    )


def test_sms_text_keeps_the_link_whole_and_cuts_body_then_title() -> None:
    short = sms_text(sms_message(), 90)
    assert len(short) <= 90 and short.endswith("month=9") and "…" in short
    assert short.startswith("【催报】2024年9月重点项目进度尚未报送：")
    tiny = sms_text(sms_message(), 70)
    assert len(tiny) <= 70 and tiny.endswith("month=9") and tiny.startswith("【催报】")
