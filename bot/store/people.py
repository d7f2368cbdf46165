"""Queries on people: their own preferences (members) and the messages Serve sent them
unasked (nudges, their weekly attention budget)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from .db import hold_row
from .models import Member, Nudge


def member(session: Session, team_id: str, user_id: str, lock: bool = False) -> Member | None:
    """A person's preferences, if they ever set any; `lock` holds them until the unit of
    work ends."""
    return session.get(Member, (team_id, user_id), with_for_update=lock)


def member_to_change(session: Session, team_id: str, user_id: str) -> Member:
    """A person's preferences, held until the unit of work ends, or a new row for them
    (the caller sets its values)."""
    found = member(session, team_id, user_id, lock=True)
    if found is None:
        found = Member(team_id=team_id, user_id=user_id)
        session.add(found)
    return found


def hold_member(session: Session, team_id: str, user_id: str, now: datetime) -> None:
    """Hold the person's row, creating it unpaused if need be, until the unit of work
    ends: decisions about what to send them are then taken one at a time."""
    person = {"team_id": team_id, "user_id": user_id, "prompts_paused": False, "updated_at": now}
    hold_row(session, Member, person, ["team_id", "user_id"])


def nudges_between(
    session: Session, team_id: str, user_id: str, between: tuple[datetime, datetime], send_key: str
) -> tuple[int, bool]:
    """How many messages the person was sent unasked in [start, end), and whether the
    send `send_key` is among them, in one query."""
    start, end = between
    ours = case((Nudge.send_key == send_key, 1), else_=0)
    taken, already = session.execute(
        select(func.count(), func.coalesce(func.max(ours), 0)).where(
            Nudge.team_id == team_id,
            Nudge.user_id == user_id,
            Nudge.sent_at >= start,
            Nudge.sent_at < end,
        )
    ).one()
    return int(taken), bool(already)


def count_nudges_since(session: Session, team_id: str, user_id: str, since: datetime) -> int:
    """How many messages the person was sent unasked since `since`."""
    counted = session.scalar(
        select(func.count())
        .select_from(Nudge)
        .where(Nudge.team_id == team_id, Nudge.user_id == user_id, Nudge.sent_at >= since)
    )
    return int(counted or 0)


def add_nudge(
    session: Session, person: tuple[str, str], send: tuple[str, str], now: datetime
) -> None:
    """One of the person's (team, user) messages this week, taken for `send` (its kind
    and send key)."""
    team_id, user_id = person
    kind, send_key = send
    session.add(Nudge(team_id=team_id, user_id=user_id, kind=kind, send_key=send_key, sent_at=now))


def delete_person(session: Session, team_id: str, user_id: str) -> None:
    """The person's preferences and the record of what they were sent: theirs alone."""
    session.execute(delete(Member).where(Member.team_id == team_id, Member.user_id == user_id))
    session.execute(delete(Nudge).where(Nudge.team_id == team_id, Nudge.user_id == user_id))
