"""Notifications (提醒通知): events become messages for people, each with one delivery row per channel."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.delivery.timing import digest_time, release_time
from gongjian_notifier.directory.repository import DirectoryRepository
from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.catalogue import Audience, plan_for
from gongjian_notifier.notifications.recipients import Recipient, RecipientResolver
from gongjian_notifier.notifications.rendering import Renderer, TemplateFailure
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_notifier.settings import NotifierSettings, Urgency
from gongjian_shared.clock import Clock
from gongjian_shared.events.envelope import EventEnvelope

ROBOTS = ("wecom", "dingtalk")
NO_ADDRESS = {
    "email": "收件人在通知目录中没有邮箱 / no email address in the directory",
    "sms": "收件人在通知目录中没有手机号 / no phone number in the directory",
    "wecom": "单位未设置企业微信群机器人 / the unit has no WeCom robot",
    "dingtalk": "单位未设置钉钉群机器人 / the unit has no DingTalk robot",
}
OFFICE_LEVEL = 2
# a multi-row INSERT needs the same keys in every row
ROW_DEFAULTS: dict[str, Any] = {"delivered_at": None, "failed_at": None, "last_error": None}


@dataclass
class Draft:
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


class NotificationService:
    def __init__(
        self,
        session: AsyncSession,
        settings: NotifierSettings,
        clock: Clock,
        renderer: Renderer,
        channel_enabled: Callable[[str], bool],
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._renderer = renderer
        self._enabled = channel_enabled
        self._repo = NotificationRepository(session)
        self._directory = DirectoryRepository(session)
        self._resolver = RecipientResolver(self._directory, settings)

    @property
    def settings(self) -> NotifierSettings:
        return self._settings

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def repository(self) -> NotificationRepository:
        return self._repo

    @property
    def directory(self) -> DirectoryRepository:
        return self._directory

    @property
    def resolver(self) -> RecipientResolver:
        return self._resolver

    async def notify_event(self, envelope: EventEnvelope) -> int:
        """Turn one event into notifications, written together; returns how many were new."""
        plan = plan_for(envelope)
        if plan is None:
            return 0
        urgency = self._settings.urgency.get(envelope.type, plan.urgency)
        units = await self._directory.units(a.unit_id for a in plan.audiences if a.unit_id is not None)
        await self._resolver.prefetch(plan.audiences, units)
        unknown: list[str] = []
        items: list[tuple[Draft, list[Recipient]]] = []
        for audience in plan.audiences:
            unit = units.get(audience.unit_id) if audience.unit_id is not None else None
            if not audience.office and unit is None and not (audience.liaisons or audience.people):
                unknown.append(f"单位 {audience.unit_name or audience.unit_id}")
                continue
            resolution = await self._resolver.resolve(audience, unit, level=0)
            unknown.extend(resolution.unknown)
            draft = Draft(
                key=f"{envelope.event_id}:{audience.key}:0",
                event_id=envelope.event_id,
                event_type=envelope.type,
                template=plan.template,
                link_path=plan.link_path,
                urgency=urgency,
                needs_ack=plan.needs_ack,
                unit_id=audience.unit_id,
                unit_name=(unit.name if unit else audience.unit_name),
                office=audience.office,
                leader_ids=audience.leader_ids,
                context={**plan.context, **audience.context},
            )
            items.append((draft, resolution.recipients))
        results = await self.write_all(items)
        for (draft, recipients), result in zip(items, results, strict=True):
            if result is not None and not result.held and not recipients:
                await self._no_liaison(draft, result, level=0)
        if unknown:
            await self.tell_office(
                "unknown-recipient",
                f"{envelope.event_id}:unknown",
                envelope,
                urgency,
                {"unknown": unknown, "event_type": envelope.type, "event_id": envelope.event_id},
            )
        return sum(result is not None for result in results)

    async def write(self, draft: Draft, recipients: Sequence[Recipient]) -> Written | None:
        """Write a notification and its deliveries; None when its key was written before."""
        return (await self.write_all([(draft, recipients)]))[0]

    async def write_all(self, items: Sequence[tuple[Draft, Sequence[Recipient]]]) -> list[Written | None]:
        """Write notifications and their deliveries in a few statements: one event may name every unit."""
        now = self._clock.now()
        prepared = [await self._prepare(draft, recipients, now) for draft, recipients in items]
        inserted = await self._repo.insert_many([values for values, _ in prepared])
        results: list[Written | None] = []
        rows: list[dict[str, Any]] = []
        for (draft, recipients), (values, held_error) in zip(items, prepared, strict=True):
            if values["key"] not in inserted:
                results.append(None)
                continue
            written = Written(values["id"], values["title"], values["body"], held=held_error is not None)
            results.append(written)
            if held_error is None:
                rows.extend(self._delivery_rows(values["id"], draft, recipients, now, values["release_at"]))
            elif draft.template != "template-failed":
                await self.tell_office(
                    "template-failed",
                    f"{draft.key}:template-failed",
                    None,
                    draft.urgency,
                    {"event_type": draft.event_type, "event_id": draft.event_id, "error": held_error},
                )
        await self._repo.insert_deliveries(rows)
        return results

    async def _prepare(
        self, draft: Draft, recipients: Sequence[Recipient], now: datetime
    ) -> tuple[dict[str, Any], str | None]:
        """The notification's row, rendered; and the template's error when it could not be."""
        notification_id = uuid.uuid4()
        release = release_time(now, draft.urgency, self._settings.schedule)
        delay = await self._escalation_delay(draft)
        ack_due = (
            release + delay if draft.needs_ack and draft.level < self._settings.escalation.max_level else None
        )
        context = {
            **draft.context,
            "unit_name": draft.context.get("unit_name") or draft.unit_name or self._settings.office.name,
            "office_name": self._settings.office.name,
            "link": draft.link or self._renderer.link(draft.link_path),
            "ack_link": self._renderer.link(links.INBOX_AWAITING_ACK),
            "needs_ack": draft.needs_ack,
            "ack_due_at": ack_due,
            "urgency": draft.urgency,
            "escalation_level": draft.level,
        }
        held_error: str | None = None
        try:
            rendered = self._renderer.render(draft.template, context)
            title, body = rendered.title, rendered.body
        except TemplateFailure as exc:
            held_error = str(exc)
            title, body = f"【模板错误】{draft.event_type}", ""
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

    def _delivery_rows(
        self,
        notification_id: uuid.UUID,
        draft: Draft,
        recipients: Sequence[Recipient],
        now: datetime,
        release: datetime,
    ) -> list[dict[str, Any]]:
        rows = []
        for recipient in recipients:
            for channel in recipient.channels:
                if not self._enabled(channel):
                    continue
                address = recipient.address(channel)
                row: dict[str, Any] = {
                    **ROW_DEFAULTS,
                    "notification_id": notification_id,
                    "recipient_key": recipient.key,
                    "recipient_kind": recipient.kind,
                    "person_id": recipient.person_id,
                    "account_id": recipient.account_id,
                    "recipient_name": recipient.name,
                    "unit_id": recipient.unit_id,
                    "channel": channel,
                    "address": address,
                    "mention_phone": recipient.phone if channel in ROBOTS else None,
                    "mention_im_id": recipient.im_id if channel in ROBOTS else None,
                    "attempts": 0,
                    "created_at": now,
                    "not_before": release,
                }
                if channel == "inbox":
                    row |= {"status": "delivered", "delivered_at": now, "not_before": now}
                elif not address:
                    row |= {"status": "failed", "failed_at": now, "last_error": NO_ADDRESS[channel]}
                elif draft.urgency == "low" and recipient.digest:
                    row |= {"status": "digest", "not_before": digest_time(now, self._settings.schedule)}
                else:
                    row |= {"status": "pending"}
                rows.append(row)
        return rows

    async def _escalation_delay(self, draft: Draft) -> timedelta:
        escalation = self._settings.escalation
        hours = escalation.by_event_type.get(draft.event_type)
        if hours is None and draft.unit_id is not None:
            pref = await self._resolver.unit_preference(draft.unit_id)
            hours = pref.escalate_after_hours if pref else None
        return timedelta(hours=hours if hours is not None else escalation.after_hours)

    async def _no_liaison(self, draft: Draft, written: Written, level: int) -> None:
        await self.tell_office(
            "unit-without-liaison",
            f"{draft.key}:no-liaison",
            None,
            draft.urgency,
            {
                "unit_name": draft.unit_name or str(draft.unit_id),
                "original_title": written.title,
                "original_body": written.body,
                "missing_level": level,
            },
            event_id=draft.event_id,
            link_path=draft.link_path,
        )

    async def tell_office(
        self,
        template: str,
        key: str,
        envelope: EventEnvelope | None,
        urgency: Urgency,
        context: Mapping[str, Any],
        *,
        event_id: uuid.UUID | None = None,
        link_path: str = links.NOTIFICATIONS,
    ) -> None:
        audience = Audience(unit_id=None, office=True)
        resolution = await self._resolver.resolve(audience, None, level=0)
        await self.write(
            Draft(
                key=key,
                event_id=envelope.event_id if envelope else event_id,
                event_type=template,
                template=template,
                link_path=link_path,
                urgency="normal" if urgency == "low" else urgency,
                needs_ack=False,
                office=True,
                context=context,
            ),
            resolution.recipients,
        )
