"""Queries on people: their own preferences (members) and the messages Serve sent them
unasked (nudges, their weekly attention budget)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Insert,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from .db import dialect_insert
from .models import CheckIn, Member, Nudge, UTCDateTime

HELD = ["team_id", "user_id"]


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


def hold_member(session: Session, team_id: str, user_id: str, now: datetime) -> Member:
    """Hold the person's row, creating it unpaused if need be, until the unit of work
    ends: decisions about what to send them are then taken one at a time. Their
    preferences as held, in the one statement."""
    person = {"team_id": team_id, "user_id": user_id, "now": now}
    held = _held(session, _hold(session.get_bind().dialect.name, by_checkin=False), person)
    assert held is not None  # the SELECT always gives its one row
    return held


def hold_recipient(session: Session, checkin_id: int, now: datetime) -> Member | None:
    """`hold_member` for whoever the check-in is for, before reading it: the person is
    always held before their check-ins, as every send for them holds them. None when
    there is no such check-in."""
    statement = _hold(session.get_bind().dialect.name, by_checkin=True)
    return _held(session, statement, {"checkin_id": checkin_id, "now": now})


_NOW = bindparam("now", type_=UTCDateTime())


@lru_cache(maxsize=8)
def _hold(dialect: str, by_checkin: bool) -> Insert:
    """INSERT … SELECT whose conflict is an UPDATE that changes nothing, so a row there
    already (or inserted meanwhile) is held all the same; the preferences come back.
    Built once per dialect and door (the person named, or a check-in's recipient): its
    `excluded` alias copies every column of the table."""
    person: Select[str, str, bool, datetime]
    if by_checkin:
        checkins = cast(Table, CheckIn.__table__).c
        person = select(checkins.team_id, checkins.recipient_id, literal(False), _NOW).where(
            checkins.id == bindparam("checkin_id")
        )
    else:
        team, user = bindparam("team_id", type_=String()), bindparam("user_id", type_=String())
        person = select(team, user, literal(False), _NOW).where(literal(True))
    members = cast(Table, Member.__table__)
    upsert = dialect_insert(dialect)(members).from_select(
        [*HELD, "prompts_paused", "updated_at"], person
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=HELD, set_={name: upsert.excluded[name] for name in HELD}
    )
    held = members.c
    return cast(
        Insert,
        upsert.returning(held.team_id, held.user_id, held.prompts_paused, held.paused_until),
    )


def _held(session: Session, statement: Insert, values: dict[str, Any]) -> Member | None:
    """The Member is a copy, not in the session: a change to it is not saved."""
    row = session.execute(statement, values).one_or_none()
    if row is None:
        return None
    return Member(
        team_id=row.team_id,
        user_id=row.user_id,
        prompts_paused=row.prompts_paused,
        paused_until=row.paused_until,
    )


def nudges_between(
    session: Session, team_id: str, user_id: str, between: tuple[datetime, datetime], send_key: str
) -> tuple[int, bool]:
    """How many messages the person was sent unasked in [start, end), and whether the
    send `send_key` is among them, in one query."""
    start, end = between
    ours = case((Nudge.send_key == send_key, 1), else_=0)
    taken, already = session.execute(
        select(func.count(), func.coalesce(func.max(ours), 0)).where(
            *_of_person_between(team_id, user_id, start, end)
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


def take_nudge(
    session: Session,
    person: tuple[str, str],
    send: tuple[str, str],
    between: tuple[datetime, datetime],
    budget: int,
    now: datetime,
) -> bool:
    """One of the person's (team, user) messages in [start, end) for `send` (its kind
    and send key), in one statement while the week has room for it: True when taken now.
    False says either that there is no room or that the send took one before (its key
    is unique): `nudges_between` tells which."""
    team_id, user_id = person
    kind, send_key = send
    start, end = between
    values = {"team_id": team_id, "user_id": user_id, "start": start, "end": end}
    values |= {"kind": kind, "send_key": send_key, "now": now, "budget": budget}
    return session.execute(_TAKE_NUDGE, values).first() is not None


def _take_nudge() -> Insert:
    """`take_nudge`'s statement, built once: everything it is given is a parameter."""
    nudges = cast(Table, Nudge.__table__)
    week = [
        nudges.c.team_id == bindparam("team_id"),
        nudges.c.user_id == bindparam("user_id"),
        nudges.c.sent_at >= bindparam("start", type_=UTCDateTime()),
        nudges.c.sent_at < bindparam("end", type_=UTCDateTime()),
    ]
    taken = select(func.count()).select_from(nudges).where(*week).scalar_subquery()
    send_key = bindparam("send_key", type_=String())
    nudge = select(
        bindparam("team_id", type_=String()),
        bindparam("user_id", type_=String()),
        bindparam("kind", type_=String()),
        send_key,
        _NOW,
    ).where(
        taken < bindparam("budget", type_=Integer()),
        ~exists().where(nudges.c.send_key == send_key),
    )
    columns = ["team_id", "user_id", "kind", "send_key", "sent_at"]
    return insert(nudges).from_select(columns, nudge).returning(nudges.c.id)


_TAKE_NUDGE = _take_nudge()


def _of_person_between(
    team_id: str, user_id: str, start: datetime, end: datetime
) -> list[ColumnElement[bool]]:
    return [
        Nudge.team_id == team_id,
        Nudge.user_id == user_id,
        Nudge.sent_at >= start,
        Nudge.sent_at < end,
    ]


def delete_person(session: Session, team_id: str, user_id: str) -> None:
    """The person's preferences and the record of what they were sent: theirs alone."""
    session.execute(delete(Member).where(Member.team_id == team_id, Member.user_id == user_id))
    session.execute(delete(Nudge).where(Nudge.team_id == team_id, Nudge.user_id == user_id))
