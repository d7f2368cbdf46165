"""Workspaces the bot serves, and the settings each one's admins choose. A setting left
unset follows the environment's default; a change applies at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from time import monotonic
from typing import TypeVar

from bot.clock import Clock
from bot.config import (
    Settings,
    is_time_zone,
    parse_cadence,
    parse_holidays,
    parse_hour,
    parse_time,
    parse_weekday,
)
from bot.store import deals as queries
from bot.store import due
from bot.store.db import Store
from bot.store.models import Workspace

from .cadence import zone_or_default
from .stories import on_weekday, week_of

DIGEST = "digest"
T = TypeVar("T")


@dataclass(frozen=True)
class WorkspaceSettings:
    """What a workspace runs by: its own choices over the environment's defaults."""

    team_id: str
    deal_channels: tuple[str, ...]
    team_channel: str
    recognition_channel: str
    cadence_days: tuple[int, ...]
    checkin_hour: int
    holidays: tuple[date, ...]
    prompt_weekday: int
    prompt_time: time
    digest_weekday: int
    digest_time: time
    timezone: str
    notify_recognised: bool


@dataclass(frozen=True)
class SettingsForm:
    """Settings as an admin entered them, unchecked; None leaves a setting as it is."""

    deal_channels: Sequence[str] | None = None
    team_channel: str | None = None
    recognition_channel: str | None = None
    cadence: str | None = None
    checkin_hour: str | None = None
    holidays: str | None = None
    prompt_day: str | None = None
    prompt_time: str | None = None
    digest_day: str | None = None
    digest_time: str | None = None
    timezone: str | None = None
    notify_recognised: bool | None = None


def effective(workspace: Workspace | None, env: Settings, team_id: str = "") -> WorkspaceSettings:
    """The settings a workspace runs by: each of its own, else the environment's."""
    ws = workspace or Workspace(team_id=team_id)
    return WorkspaceSettings(
        team_id=ws.team_id or team_id,
        deal_channels=tuple(ws.deal_channels or ()) or env.deal_channels,
        team_channel=ws.team_channel or env.team_channel,
        recognition_channel=ws.recognition_channel or env.recognition_channel,
        cadence_days=tuple(ws.checkin_cadence_days or ()) or env.checkin_cadence_days,
        checkin_hour=env.checkin_hour if ws.checkin_hour is None else ws.checkin_hour,
        holidays=tuple(date.fromisoformat(d) for d in ws.holidays or ()) or env.holidays,
        prompt_weekday=_either(ws.prompt_weekday, env.prompt_weekday),
        prompt_time=parse_time(ws.prompt_time) if ws.prompt_time else env.prompt_time,
        digest_weekday=_either(ws.digest_weekday, env.digest_weekday),
        digest_time=parse_time(ws.digest_time) if ws.digest_time else env.digest_time,
        timezone=ws.timezone or env.default_timezone,
        notify_recognised=_either(ws.notify_recognised, env.notify_recognised),
    )


def settings_for(store: Store, team_id: str, env: Settings) -> WorkspaceSettings:
    with store.reading() as session:
        return effective(session.get(Workspace, team_id), env, team_id)


class RecentSettings:
    """Workspace settings as read a moment ago, for the hot path (every message event).
    A change made in this process applies at once (`forget`); one made by another
    replica, within `FRESH_FOR`."""

    FRESH_FOR = 5.0  # seconds

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._read: dict[str, tuple[float, WorkspaceSettings]] = {}

    def get(self, store: Store, team_id: str, env: Settings) -> WorkspaceSettings:
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
    store: Store, clock: Clock, env: Settings, team_id: str, form: SettingsForm, by: str
) -> dict[str, str]:
    """Save an admin's settings in one unit of work, all or none. Returns what is wrong,
    by field (nothing saved then), or nothing. A new digest day, time or zone moves this
    week's digest if it has not gone out yet."""
    problems: dict[str, str] = {}
    cadence = _check(problems, "cadence", form.cadence, parse_cadence)
    hour = _check(problems, "checkin_hour", form.checkin_hour, parse_hour)
    holidays = _check(problems, "holidays", form.holidays, _holidays)
    prompt_day = _check(problems, "prompt_day", form.prompt_day, parse_weekday)
    prompt_time = _check(problems, "prompt_time", form.prompt_time, parse_time)
    digest_day = _check(problems, "digest_day", form.digest_day, parse_weekday)
    digest_time = _check(problems, "digest_time", form.digest_time, parse_time)
    timezone = _check(problems, "timezone", form.timezone, _time_zone)
    if problems:
        return problems
    now = clock.now()
    with store.session() as session:
        queries.ensure_workspace(session, team_id, now)
        ws = session.get_one(Workspace, team_id, with_for_update=True)
        if form.deal_channels is not None:
            ws.deal_channels = list(form.deal_channels) or None
        if form.team_channel is not None:
            ws.team_channel = form.team_channel or None
        if form.recognition_channel is not None:
            ws.recognition_channel = form.recognition_channel or None
        if form.notify_recognised is not None:
            ws.notify_recognised = form.notify_recognised
        _set(ws, "checkin_cadence_days", cadence, list)
        _set(ws, "checkin_hour", hour, int)
        _set(ws, "holidays", holidays, lambda days: [d.isoformat() for d in days])
        _set(ws, "prompt_weekday", prompt_day, int)
        _set(ws, "prompt_time", prompt_time, lambda t: t.strftime("%H:%M"))
        _set(ws, "digest_weekday", digest_day, int)
        _set(ws, "digest_time", digest_time, lambda t: t.strftime("%H:%M"))
        _set(ws, "timezone", timezone, str)
        ws.settings_changed_by, ws.settings_changed_at = by, now
        chosen = effective(ws, env, team_id)
        zone = zone_or_default(chosen.timezone)
        week = week_of(now, zone)
        when = on_weekday(week, chosen.digest_weekday, chosen.digest_time, zone)
        due.move_waiting(session, DIGEST, team_id, week, when)
    return {}


def _check(
    problems: dict[str, str], field: str, raw: str | None, parse: Callable[[str], T]
) -> T | None:
    if raw is None:
        return None
    try:
        return parse(raw.strip())
    except ValueError as error:
        problems[field] = str(error)
        return None


def _set(ws: Workspace, column: str, value: T | None, stored: Callable[[T], object]) -> None:
    if value is not None:
        setattr(ws, column, stored(value))


def _holidays(raw: str) -> tuple[date, ...]:
    return parse_holidays(raw) if raw else ()


def _time_zone(raw: str) -> str:
    if not is_time_zone(raw):
        raise ValueError("should be a time zone like Europe/London or America/New_York")
    return raw


def _either(own: T | None, default: T) -> T:
    return default if own is None else own
