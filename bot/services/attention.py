"""The attention budget: how many messages Serve may still send a person this week.

A week is the person's own, Monday to Monday in their time zone. Only what Serve sends
unasked counts (check-ins, reminders, story prompts and offers); answers to what a
person does in Slack never do."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Nudge


def week_around(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The start and end of the person's week that holds `now`."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time.min, zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, zone)
    return start, end


def sent_this_week(
    session: Session, team_id: str, user_id: str, now: datetime, zone: ZoneInfo
) -> int:
    start, end = week_around(now, zone)
    counted = select(func.count()).where(
        Nudge.team_id == team_id,
        Nudge.user_id == user_id,
        Nudge.sent_at >= start,
        Nudge.sent_at < end,
    )
    return int(session.scalar(counted) or 0)


def has_room(
    session: Session, team_id: str, user_id: str, now: datetime, zone: ZoneInfo, budget: int
) -> bool:
    return sent_this_week(session, team_id, user_id, now, zone) < budget


def next_week(now: datetime, zone: ZoneInfo) -> datetime:
    """When the person's budget is whole again: the start of their next week."""
    return week_around(now, zone)[1]


def count(session: Session, team_id: str, user_id: str, kind: str, at: datetime) -> None:
    session.add(Nudge(team_id=team_id, user_id=user_id, kind=kind, sent_at=at))
