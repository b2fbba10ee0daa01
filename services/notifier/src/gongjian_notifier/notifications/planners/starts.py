"""Planners of the quarterly concentrated starts (季度集中开工, projects-api): the units confirm, the office hears."""

from __future__ import annotations

import uuid

from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.audiences import Audience, NotificationPlan
from gongjian_shared.events.starts import (
    ConcentratedStartAnswered,
    ConcentratedStartDeclared,
    DeclaredProject,
)


def concentrated_start_declared(event: ConcentratedStartDeclared) -> NotificationPlan:
    """Each unit with projects in the batch is to confirm them (提前预告): its own projects only."""
    by_unit: dict[uuid.UUID, list[DeclaredProject]] = {}
    for project in event.projects:
        by_unit.setdefault(project.unit_id, []).append(project)
    return NotificationPlan(
        template="concentrated-start-declared",
        urgency="normal",
        needs_ack=True,
        link_path=links.CONCENTRATED_START.format(concentrated_start_id=event.concentrated_start_id),
        audiences=tuple(
            Audience(
                unit_id=unit_id,
                context={
                    "project_names": [p.project_name for p in projects],
                    "project_count": len(projects),
                },
            )
            for unit_id, projects in by_unit.items()
        ),
        context=event.model_dump(exclude={"projects"}),
    )


def concentrated_start_answered(event: ConcentratedStartAnswered) -> NotificationPlan:
    """The office hears each unit's answer; a declined project sooner than a confirmed one (in the digest).

    The audience is the office desk, on the unit's notification (`unit_id`), so the message names the unit.
    """
    return NotificationPlan(
        template="concentrated-start-answered",
        urgency="normal" if event.answer == "declined" else "low",
        needs_ack=False,
        link_path=links.CONCENTRATED_START.format(concentrated_start_id=event.concentrated_start_id),
        audiences=(Audience(unit_id=event.unit_id, office=True),),
        context=event.model_dump(),
    )
