"""The attention budget: how many messages Serve may still send a person this week.

A week is the person's own, Monday to Monday in their time zone. Only what Serve sends
unasked counts (check-ins, reminders, story prompts and offers); answers to what a
person does in Slack never do."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.store import people
from bot.store.models import Member


def week_around(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The start and end of the person's week that holds `now`."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time.min, zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, zone)
    return start, end


def next_week(now: datetime, zone: ZoneInfo) -> datetime:
    """When the person's budget is whole again: the start of their next week."""
    return week_around(now, zone)[1]


def hold_person(session: Session, team_id: str, user_id: str, now: datetime) -> Member:
    """Hold the person until the unit of work ends: what Serve sends them is decided one
    send at a time, whichever replica or thread decides it. Their preferences as held."""
    return people.hold_member(session, team_id, user_id, now)


def reserve(
    session: Session,
    team_id: str,
    user_id: str,
    send: tuple[str, str],
    now: datetime,
    zone: ZoneInfo,
    budget: int,
    held: bool = False,
) -> bool:
    """Take one of the person's messages this week for `send` (its kind and send key),
    if the week has room. The person is held (unless the caller already did), so two
    sends at once can't both take the last one; a send asking again (a retry) is
    answered as before."""
    if not held:
        hold_person(session, team_id, user_id, now)
    week = week_around(now, zone)
    if people.take_nudge(session, (team_id, user_id), send, week, budget, now):
        return True
    _, already = people.nudges_between(session, team_id, user_id, week, send[1])
    return already
