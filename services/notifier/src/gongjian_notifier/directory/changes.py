"""The record of a unit's preference changes (偏好变更记录): who changed which field, from what to what.

Robot URLs are kept with their keys shortened and a DingTalk secret only as a fingerprint: enough to see that
one replaced another, never enough to call the robot.
"""

from __future__ import annotations

import hashlib
import urllib.parse
import uuid
from datetime import datetime

from gongjian_notifier.directory.repository import DirectoryRepository
from gongjian_notifier.models import PreferenceChange, UnitPreference

RECORDED = ("channels", "wecom_webhook_url", "dingtalk_webhook_url", "dingtalk_secret")


def recorded_settings(pref: UnitPreference | None) -> dict[str, str | None]:
    """The recorded fields of a unit's preference as the record shows them (None: not set)."""
    if pref is None:
        return dict.fromkeys(RECORDED)
    return {
        "channels": ",".join(pref.channels) if pref.channels is not None else None,
        "wecom_webhook_url": _masked(pref.wecom_webhook_url),
        "dingtalk_webhook_url": _masked(pref.dingtalk_webhook_url),
        # a fingerprint, never the secret: enough to see that one secret replaced another
        "dingtalk_secret": f"set #{_fingerprint(pref.dingtalk_secret)}" if pref.dingtalk_secret else None,
    }


def record_changes(
    directory: DirectoryRepository,
    unit_id: uuid.UUID,
    before: dict[str, str | None],
    pref: UnitPreference,
    who: uuid.UUID,
    when: datetime,
) -> None:
    """A change row for each recorded field that differs from `before`."""
    after = recorded_settings(pref)
    for field, old in before.items():
        if after[field] != old:
            directory.add(
                PreferenceChange(
                    unit_id=unit_id,
                    field=field,
                    old_value=old,
                    new_value=after[field],
                    changed_by=who,
                    changed_at=when,
                )
            )


def _masked(url: str | None) -> str | None:
    """A robot URL for the change record: the query's values (the robot's key or token) shortened."""
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url)
    query = [
        (name, f"***{value[-4:]}" if len(value) > 8 else "***")
        for name, value in urllib.parse.parse_qsl(parts.query)
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="*")))


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:8]
