"""The platform's services, in one place: what each is called, how it is built and migrated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

import gongjian_meetings.app as meetings
import gongjian_notifier.app as notifier
import gongjian_projects.app as projects
import gongjian_scoring.app as scoring
from gongjian_meetings.settings import MeetingsSettings
from gongjian_notifier.settings import NotifierSettings
from gongjian_projects.settings import ProjectsSettings
from gongjian_scoring.settings import ScoringSettings
from gongjian_shared.clock import Clock
from gongjian_shared.service import ServiceSpec
from gongjian_shared.settings import BaseServiceSettings


@dataclass(frozen=True)
class ServiceEntry:
    spec: ServiceSpec
    settings_class: type[BaseServiceSettings]
    env_prefix: str
    migrations: Path
    factory: Callable[..., FastAPI]

    @property
    def name(self) -> str:
        return self.spec.name

    def create_app(self, settings: BaseServiceSettings, clock: Clock | None = None) -> FastAPI:
        return self.factory(settings, clock)


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry(projects.SPEC, ProjectsSettings, "PROJECTS_", projects.MIGRATIONS, projects.create_app),
    ServiceEntry(meetings.SPEC, MeetingsSettings, "MEETINGS_", meetings.MIGRATIONS, meetings.create_app),
    ServiceEntry(scoring.SPEC, ScoringSettings, "SCORING_", scoring.MIGRATIONS, scoring.create_app),
    ServiceEntry(notifier.SPEC, NotifierSettings, "NOTIFIER_", notifier.MIGRATIONS, notifier.create_app),
)


def service(name: str) -> ServiceEntry:
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(name)
