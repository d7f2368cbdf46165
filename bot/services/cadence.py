"""When to nudge someone: working days and hours in their own time zone, around weekends,
the workspace's holidays and their time away. Pure functions of their inputs."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.zones import time_zone

WEEKEND = {5, 6}  # Saturday, Sunday
END_OF_WORKING_DAY = time(17, 0)
AWAY_WORDS = re.compile(
    r"vacation|holiday|out of (the )?office|\booo\b|\bpto\b|on leave|annual leave|"
    r"parental leave|sabbatical|off sick|time off|away until",
    re.IGNORECASE,
)
AWAY_EMOJI = {
    ":palm_tree:",
    ":desert_island:",
    ":airplane:",
    ":beach_with_umbrella:",  # not said: status emoji to match
    ":no_entry:",
    ":face_with_thermometer:",  # not said
    ":baby:",
    ":luggage:",
}


@dataclass(frozen=True)
class WorkingHours:
    """Where and when a person works: their zone, the hour nudges arrive, days off."""

    zone: ZoneInfo
    hour: int = 10
    holidays: Collection[date] = ()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in WEEKEND and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def at_hour(self, day: date) -> datetime:
        """The nudge hour on `day`, in UTC; zoneinfo keeps it right across DST changes."""
        return datetime.combine(day, time(self.hour), self.zone).astimezone(UTC)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def zone_or_default(name: str | None, default: str = "UTC") -> ZoneInfo:
    """A person's zone as Slack names it, else the workspace's, else UTC: a profile may
    carry a name that is no zone, and a person is still planned for."""
    return time_zone(name) or time_zone(default) or ZoneInfo("UTC")


def plan_checkins(
    closed_at: datetime, cadence_days: Collection[int], hours: WorkingHours
) -> list[datetime]:
    """A check-in for each offset: that many days after the close, on the first working
    day from there, at the nudge hour. Never two on one day, always in order."""
    planned: list[datetime] = []
    start = hours.local_date(closed_at)
    for offset in sorted(cadence_days):
        day = hours.next_working_day(start + timedelta(days=offset))
        if planned and day <= hours.local_date(planned[-1]):
            day = hours.next_working_day(hours.local_date(planned[-1]) + timedelta(days=1))
        planned.append(hours.at_hour(day))
    return planned


def next_working_slot(now: datetime, hours: WorkingHours) -> datetime:
    """Now, if it is working time for this person; else the next nudge hour."""
    local = now.astimezone(hours.zone)
    today = local.date()
    if hours.is_working_day(today) and time(hours.hour) <= local.time() < END_OF_WORKING_DAY:
        return now
    if hours.is_working_day(today) and local.time() < time(hours.hour):
        return hours.at_hour(today)
    return hours.at_hour(hours.next_working_day(today + timedelta(days=1)))


def add_working_days(moment: datetime, days: int, hours: WorkingHours) -> datetime:
    """The same local time `days` working days later."""
    local = moment.astimezone(hours.zone)
    day = local.date()
    for _ in range(days):
        day = hours.next_working_day(day + timedelta(days=1))
    return datetime.combine(day, local.time(), hours.zone).astimezone(UTC)


def snooze_until(now: datetime, days: int, hours: WorkingHours) -> datetime:
    """`days` calendar days on, moved to a working day, at the nudge hour."""
    return hours.at_hour(hours.next_working_day(hours.local_date(now) + timedelta(days=days)))


def away_until(profile: Mapping[str, Any], now: datetime) -> datetime | None:
    """When a vacation / out-of-office Slack status ends, if one is showing now.

    A status with no expiry counts as away for the rest of today."""
    text = str(profile.get("status_text") or "")
    emoji = str(profile.get("status_emoji") or "")
    if not (AWAY_WORDS.search(text) or emoji in AWAY_EMOJI):
        return None
    expires = int(profile.get("status_expiration") or 0)
    if expires:
        ends = datetime.fromtimestamp(expires, UTC)
        return ends if ends > now else None
    return now + timedelta(days=1)


def first_slot_after(moment: datetime, hours: WorkingHours) -> datetime:
    """The first nudge hour on a working day at or after `moment`: when someone back
    from time away hears from us again."""
    local = moment.astimezone(hours.zone)
    day = local.date()
    if hours.is_working_day(day) and local.time() <= time(hours.hour):
        return hours.at_hour(day)
    return hours.at_hour(hours.next_working_day(day + timedelta(days=1)))


def back_from_pause(last_day: date | None, now: datetime, hours: WorkingHours) -> datetime:
    """When someone who paused hears from us again: the first nudge hour after their last
    paused day, or, paused until they resume, tomorrow's, to look again."""
    day = last_day if last_day is not None else hours.local_date(now)
    return hours.at_hour(hours.next_working_day(day + timedelta(days=1)))


def when_to_nudge(now: datetime, hours: WorkingHours, profile: Mapping[str, Any]) -> datetime:
    """Now, if this person can hear from us now; else when they next can: back from
    time away, on a working day, within working hours."""
    back = away_until(profile, now)
    if back is not None:
        return first_slot_after(back, hours)
    return next_working_slot(now, hours)
