"""Writing notifications: a `Draft` becomes one notification row, rendered, and one delivery row per channel
of each recipient, in a few statements for a whole event; the office is told when a template fails."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gongjian_notifier.delivery.timing import digest_time, release_time
from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.audiences import Audience
from gongjian_notifier.notifications.recipients import Recipient, RecipientResolver
from gongjian_notifier.notifications.rendering import TemplateFailure
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_notifier.runtime import NotifierRuntime, NotifierUnitOfWork
from gongjian_notifier.settings import NotifierSettings, ScheduleSettings, Urgency

ROBOTS = ("wecom", "dingtalk")
NO_ADDRESS = {
    "email": "收件人在通知目录中没有邮箱 / no email address in the directory",
    "sms": "收件人在通知目录中没有手机号 / no phone number in the directory",
    "wecom": "单位未设置企业微信群机器人 / the unit has no WeCom robot",
    "dingtalk": "单位未设置钉钉群机器人 / the unit has no DingTalk robot",
}
OFFICE_LEVEL = 2
TEMPLATE_FAILED = "template-failed"
# a multi-row INSERT needs the same keys in every row
ROW_DEFAULTS: dict[str, Any] = {"delivered_at": None, "failed_at": None, "last_error": None}

# A draft and the people it goes to.
Addressed = tuple["Draft", Sequence[Recipient]]


@dataclass
class Draft:
    """A notification before it is written: its key (written once), template, audience and level."""

    key: str
    event_id: uuid.UUID | None
    event_type: str
    template: str
    link_path: str
    urgency: Urgency
    needs_ack: bool
    unit_id: uuid.UUID | None = None
    unit_name: str | None = None
    office: bool = False
    level: int = 0
    root_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    leader_ids: Sequence[uuid.UUID] = ()
    context: Mapping[str, Any] = field(default_factory=dict)
    link: str | None = None


@dataclass(frozen=True)
class Written:
    notification_id: uuid.UUID
    title: str
    body: str
    held: bool


async def write_notification(
    uow: NotifierUnitOfWork, resolver: RecipientResolver, draft: Draft, recipients: Sequence[Recipient]
) -> Written | None:
    """Write a notification and its deliveries; None when its key was written before."""
    return (await write_notifications(uow, resolver, [(draft, recipients)]))[0]


async def write_notifications(
    uow: NotifierUnitOfWork, resolver: RecipientResolver, items: Sequence[Addressed]
) -> list[Written | None]:
    """Write notifications and their deliveries in a few statements: one event may name every unit."""
    now = uow.clock.now()
    prepared = [await _prepare(uow, resolver, draft, recipients, now) for draft, recipients in items]
    repository = NotificationRepository(uow.session)
    inserted = await repository.insert_many([values for values, _ in prepared])
    results: list[Written | None] = []
    rows: list[dict[str, Any]] = []
    for (draft, recipients), (values, held_error) in zip(items, prepared, strict=True):
        if values["key"] not in inserted:
            results.append(None)
            continue
        results.append(Written(values["id"], values["title"], values["body"], held=held_error is not None))
        if held_error is None:
            rows.extend(
                _delivery_rows(uow.notifier, values["id"], draft, recipients, now, values["release_at"])
            )
        elif draft.template != TEMPLATE_FAILED:
            await _tell_office_of_template_failure(uow, resolver, draft, held_error)
    await repository.insert_deliveries(rows)
    if rows:
        uow.after_commit(uow.notifier.deliveries_written.set)
    return results


async def tell_office(
    uow: NotifierUnitOfWork,
    resolver: RecipientResolver,
    template: str,
    key: str,
    urgency: Urgency,
    context: Mapping[str, Any],
    *,
    event_id: uuid.UUID | None = None,
    link_path: str = links.NOTIFICATIONS,
) -> None:
    """A notification for the office desk (never low: the office acts on what went wrong)."""
    resolution = await resolver.resolve(Audience(unit_id=None, office=True), None, level=0)
    draft = Draft(
        key=key,
        event_id=event_id,
        event_type=template,
        template=template,
        link_path=link_path,
        urgency="normal" if urgency == "low" else urgency,
        needs_ack=False,
        office=True,
        context=context,
    )
    await write_notification(uow, resolver, draft, resolution.recipients)


async def _tell_office_of_template_failure(
    uow: NotifierUnitOfWork, resolver: RecipientResolver, draft: Draft, error: str
) -> None:
    await tell_office(
        uow,
        resolver,
        TEMPLATE_FAILED,
        f"{draft.key}:{TEMPLATE_FAILED}",
        draft.urgency,
        {"event_type": draft.event_type, "event_id": draft.event_id, "error": error},
    )


async def _prepare(
    uow: NotifierUnitOfWork,
    resolver: RecipientResolver,
    draft: Draft,
    recipients: Sequence[Recipient],
    now: datetime,
) -> tuple[dict[str, Any], str | None]:
    """The notification's row, rendered; and the template's error when it could not be."""
    notifier = uow.notifier
    notification_id = uuid.uuid4()
    release = release_time(now, draft.urgency, notifier.settings.schedule)
    delay = await _escalation_delay(notifier.settings, resolver, draft)
    escalates = draft.needs_ack and draft.level < notifier.settings.escalation.max_level
    ack_due = release + delay if escalates else None
    context = _template_context(notifier, draft, ack_due)
    title, body, held_error = _render(notifier, draft, context)
    status = "held" if held_error else ("active" if recipients else "unrouted")
    values = {
        "id": notification_id,
        "key": draft.key,
        "event_id": draft.event_id,
        "event_type": draft.event_type,
        "unit_id": draft.unit_id,
        "unit_name": draft.unit_name,
        "office": draft.office,
        "urgency": draft.urgency,
        "needs_ack": draft.needs_ack,
        "level": draft.level,
        "root_id": draft.root_id or notification_id,
        "parent_id": draft.parent_id,
        "title": title,
        "body": body,
        "link": context["link"],
        "status": status,
        "error": held_error or (None if recipients else "没有可接收的人员 / nobody to tell"),
        "leader_ids": list(draft.leader_ids),
        "release_at": release,
        "ack_due_at": ack_due if status == "active" else None,
        "created_at": now,
    }
    return values, held_error


def _template_context(notifier: NotifierRuntime, draft: Draft, ack_due: datetime | None) -> dict[str, Any]:
    """What every template sees beside the event's own facts: names, links, urgency, acknowledgement."""
    office_name = notifier.settings.office.name
    return {
        **draft.context,
        "unit_name": draft.context.get("unit_name") or draft.unit_name or office_name,
        "office_name": office_name,
        "link": draft.link or notifier.renderer.link(draft.link_path),
        "ack_link": notifier.renderer.link(links.INBOX_AWAITING_ACK),
        "needs_ack": draft.needs_ack,
        "ack_due_at": ack_due,
        "urgency": draft.urgency,
        "escalation_level": draft.level,
    }


def _render(notifier: NotifierRuntime, draft: Draft, context: dict[str, Any]) -> tuple[str, str, str | None]:
    """Title and body; a template that fails holds the notification, with the error in place of the text."""
    try:
        rendered = notifier.renderer.render(draft.template, context)
    except TemplateFailure as exc:
        return f"【模板错误】{draft.event_type}", "", str(exc)
    return rendered.title, rendered.body, None


async def _escalation_delay(
    settings: NotifierSettings, resolver: RecipientResolver, draft: Draft
) -> timedelta:
    """How long an acknowledgement may take: per event type, else the unit's own choice, else the default."""
    escalation = settings.escalation
    hours = escalation.by_event_type.get(draft.event_type)
    if hours is None and draft.unit_id is not None:
        pref = await resolver.unit_preference(draft.unit_id)
        hours = pref.escalate_after_hours if pref else None
    return timedelta(hours=hours if hours is not None else escalation.after_hours)


def _delivery_rows(
    notifier: NotifierRuntime,
    notification_id: uuid.UUID,
    draft: Draft,
    recipients: Sequence[Recipient],
    now: datetime,
    release: datetime,
) -> list[dict[str, Any]]:
    return delivery_rows(notifier, notification_id, draft.urgency, recipients, now, release)


def delivery_rows(
    notifier: NotifierRuntime,
    notification_id: uuid.UUID,
    urgency: str,
    recipients: Sequence[Recipient],
    now: datetime,
    release: datetime,
) -> list[dict[str, Any]]:
    """One row per recipient and enabled channel (also for recipients found after the notification was
    written: a leader's account linked late)."""
    return [
        {
            **_delivery_row(notification_id, recipient, channel, now, release),
            **_first_state(notifier.settings.schedule, urgency, recipient, channel, now),
        }
        for recipient in recipients
        for channel in recipient.channels
        if notifier.channels.enabled(channel)
    ]


def _delivery_row(
    notification_id: uuid.UUID, recipient: Recipient, channel: str, now: datetime, release: datetime
) -> dict[str, Any]:
    robot = channel in ROBOTS
    return {
        **ROW_DEFAULTS,
        "notification_id": notification_id,
        "recipient_key": recipient.key,
        "recipient_kind": recipient.kind,
        "person_id": recipient.person_id,
        "account_id": recipient.account_id,
        "recipient_name": recipient.name,
        "unit_id": recipient.unit_id,
        "channel": channel,
        "address": recipient.address(channel),
        "mention_phone": recipient.phone if robot else None,
        "mention_im_id": recipient.im_id if robot else None,
        "attempts": 0,
        "created_at": now,
        "not_before": release,
    }


def _first_state(
    schedule: ScheduleSettings, urgency: str, recipient: Recipient, channel: str, now: datetime
) -> dict[str, Any]:
    """Where a delivery starts: the inbox delivered at once, a push with no address failed, a low one for
    someone who takes digests waiting for the next digest, any other push pending."""
    if channel == "inbox":
        return {"status": "delivered", "delivered_at": now, "not_before": now}
    if not recipient.address(channel):
        return {"status": "failed", "failed_at": now, "last_error": NO_ADDRESS[channel]}
    if urgency == "low" and recipient.digest:
        return {"status": "digest", "not_before": digest_time(now, schedule)}
    return {"status": "pending"}
