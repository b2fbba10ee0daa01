"""Who hears of an event: a planner turns it into a `NotificationPlan`, the template, the deep link, and one
`Audience` per unit that still owes something (or the office). The service resolves the audiences to people
and channels.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gongjian_notifier.settings import Urgency
from gongjian_shared.events.projects import UnitContact, UnitOwing

# the key prefix of an audience of assigned leaders (the late-link catch-up finds their notifications by it)
LEADERS_AUDIENCE = "leaders-"


@dataclass(frozen=True)
class Audience:
    """One unit's share of an event (or the office's, when `office`): its people and its own facts."""

    unit_id: uuid.UUID | None
    unit_name: str | None = None
    liaisons: tuple[UnitContact, ...] = ()
    people: tuple[UnitContact, ...] = ()
    leader_ids: tuple[uuid.UUID, ...] = ()
    office: bool = False
    context: Mapping[str, Any] = field(default_factory=dict)
    # the named people are this role's holder (the convener): when no account is any of them, the active
    # accounts holding the role are told instead
    account_role: str | None = None
    # the assigned leaders (`leader_ids`) are told themselves, at once, not as the unit's escalation
    to_leaders: bool = False

    @property
    def key(self) -> str:
        if self.office:
            return "office"
        if self.to_leaders:
            return LEADERS_AUDIENCE + "-".join(sorted(str(leader_id) for leader_id in self.leader_ids))
        if self.unit_id is not None:
            return str(self.unit_id)
        return "people-" + "-".join(sorted(str(p.person_id) for p in self.people))


@dataclass(frozen=True)
class NotificationPlan:
    """What one event means for people: the template, how urgent, whether to acknowledge, who hears of it."""

    template: str
    urgency: Urgency
    needs_ack: bool
    link_path: str
    audiences: tuple[Audience, ...]
    context: Mapping[str, Any] = field(default_factory=dict)


# A planner takes one event's payload (its own payload class) and plans who hears of it.
Planner = Callable[[Any], NotificationPlan]


def owing(unit: UnitOwing, **context: Any) -> Audience:
    return Audience(
        unit_id=unit.unit_id,
        unit_name=unit.unit_name,
        liaisons=unit.liaisons,
        context={"project_count": len(unit.project_ids), **context},
    )


def office(*units: UnitOwing | None, people: tuple[UnitContact | None, ...] = ()) -> Audience:
    """The office desk, plus the office's own people when the event names them."""
    named = tuple(p for p in (*(c for u in units if u for c in u.liaisons), *people) if p is not None)
    return Audience(unit_id=None, people=named, office=True)


def person(contact: UnitContact, role_name: str, account_role: str | None = None) -> Audience:
    """One named person outside any unit's list, such as the convener (召集人).

    The meeting body names its convener by account (the contact's `person_id` is the convener's account id
    when the body has one); `account_role` stands in the accounts holding that role when no account matches.
    """
    return Audience(unit_id=None, unit_name=role_name, people=(contact,), account_role=account_role)


def leaders(leader_ids: tuple[uuid.UUID, ...], **context: Any) -> Audience:
    """The assigned leaders (包抓领导) themselves, through the accounts linked to them."""
    return Audience(
        unit_id=None, unit_name="包抓领导", leader_ids=leader_ids, to_leaders=True, context=context
    )
