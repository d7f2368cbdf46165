"""Workspaces the bot serves, and the settings each one's admins choose. A setting left
unset follows the environment's default; a change applies at once."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from time import monotonic
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import WORKSPACE_SETTINGS, Setting, Settings
from bot.store import audit, due
from bot.store import workspaces as queries
from bot.store.db import Store
from bot.store.models import AuditKind, Workspace

from .cadence import zone_or_default
from .stories import on_weekday, week_of

DIGEST = "digest"
UNSET: tuple[object, ...] = (None, "", [])  # a workspace column with no choice in it
# What an admin entered in the settings form, by setting: text, or channel ids.
Form = Mapping[str, str | Sequence[str]]


def effective(workspace: Workspace | None, env: Settings) -> Settings:
    """The settings a workspace runs by: each of its own choices, else the environment's."""
    if workspace is None:
        return env
    own: dict[str, Any] = {}
    for declared in WORKSPACE_SETTINGS:
        assert declared.workspace is not None
        kept = getattr(workspace, declared.workspace.column)
        if not any(kept is unset or kept == unset for unset in UNSET):
            own[declared.name] = declared.workspace.read(kept)
    return replace(env, **own) if own else env


def settings_for(store: Store, team_id: str, env: Settings) -> Settings:
    with store.reading() as session:
        return effective(queries.workspace(session, team_id), env)


class RecentSettings:
    """Workspace settings as read a moment ago, for the hot path (every message event).
    A change made in this process applies at once (`forget`); one made by another
    replica, within `FRESH_FOR`."""

    FRESH_FOR = 5.0  # seconds

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._read: dict[str, tuple[float, Settings]] = {}

    def get(self, store: Store, team_id: str, env: Settings) -> Settings:
        now = monotonic()
        with self._lock:
            known = self._read.get(team_id)
        if known is not None and now - known[0] < self.FRESH_FOR:
            return known[1]
        chosen = settings_for(store, team_id, env)
        with self._lock:
            self._read[team_id] = (now, chosen)
        return chosen

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._read.pop(team_id, None)


def change_settings(
    store: Store, clock: Clock, env: Settings, team_id: str, form: Form, by: str
) -> dict[str, str]:
    """Save an admin's settings in one unit of work, all or none. Returns what is wrong,
    by setting (nothing saved then), or nothing. A setting the form leaves out stays as
    it is. A new digest day, time or zone moves this week's digest if it has not gone
    out yet. Each setting whose value changed is in the audit trail, old and new,
    written with it."""
    problems: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for declared in WORKSPACE_SETTINGS:
        if declared.name in form:
            try:
                chosen[declared.name] = _read(declared, form[declared.name])
            except ValueError as error:
                problems[declared.name] = str(error)
    if problems:
        return problems
    now = clock.now()
    with store.session() as session:
        workspace = queries.hold_workspace(session, team_id, now)
        before = effective(workspace, env)
        for declared in WORKSPACE_SETTINGS:
            if declared.name in chosen and declared.workspace is not None:
                kept = declared.workspace.kept(chosen[declared.name])
                setattr(workspace, declared.workspace.column, kept)
        workspace.settings_changed_by, workspace.settings_changed_at = by, now
        after = effective(workspace, env)
        for change in changes(before, after):
            audit.record(session, team_id, now, by, AuditKind.SETTING, change)
        _move_this_weeks_digest(session, after, team_id, now)
    return {}


def changes(before: Settings, after: Settings) -> list[dict[str, str]]:
    """Each workspace setting whose value differs, as a person would type it before and
    after: a form saves every field, and only what it changed is worth recording."""
    found = []
    for declared in WORKSPACE_SETTINGS:
        old = declared.shown(getattr(before, declared.name))
        new = declared.shown(getattr(after, declared.name))
        if old != new:
            found.append({"setting": declared.name, "old": old, "new": new})
    return found


def _read(declared: Setting, raw: str | Sequence[str]) -> Any:
    """A setting's value as entered; "" for a setting the form may leave empty."""
    if not isinstance(raw, str):
        return tuple(raw)
    longest = declared.workspace.longest if declared.workspace else 0
    if longest and len(raw) > longest:  # before any parser reads it
        raise ValueError(f"should be at most {longest:,} characters")
    text = raw.strip()
    if not text and declared.workspace is not None and declared.workspace.optional:
        return declared.parse(text) if declared.workspace.ask == "channel" else ()
    return declared.parse(text)


def _move_this_weeks_digest(
    session: Session, chosen: Settings, team_id: str, now: datetime
) -> None:
    zone = zone_or_default(chosen.default_timezone)
    week = week_of(now, zone)
    when = on_weekday(week, chosen.digest_weekday, chosen.digest_time, zone)
    due.move_waiting(session, DIGEST, team_id, week, when)
