"""Queries on due work: adding it, claiming it with a lease, and ending each claim."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Table,
    TextClause,
    Update,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from .db import insert_if_absent, rows_changed
from .models import OPEN_WORK, DueWork, UTCDateTime, WorkStatus

_due_work = cast(Table, DueWork.__table__)
NOTE_LIMIT = 200
CLAIMED = "picked"  # the claim's WITH queries are named from it: its statement opens with it


def add(
    session: Session,
    kind: str,
    team_id: str,
    due_at: datetime,
    now: datetime,
    subject_id: int | None = None,
) -> DueWork:
    work = DueWork(
        kind=kind,
        team_id=team_id,
        subject_id=subject_id,
        status=WorkStatus.TODO.value,
        due_at=due_at,
        attempts=0,
        send_key=uuid.uuid4().hex,
        created_at=now,
    )
    session.add(work)
    return work


def add_all(
    session: Session, team_id: str, now: datetime, work: Sequence[tuple[str, datetime, int | None]]
) -> None:
    """`add` for several pieces of the workspace's work (kind, due at, subject) in one
    Core INSERT executed for many rows, in the order given (ties due at once are
    claimed in it): its statement is the same whatever the number of rows."""
    if not work:
        return
    rows = [
        {
            "kind": kind,
            "team_id": team_id,
            "subject_id": subject_id,
            "status": WorkStatus.TODO.value,
            "due_at": due_at,
            "attempts": 0,
            "send_key": uuid.uuid4().hex,
            "created_at": now,
        }
        for kind, due_at, subject_id in work
    ]
    session.execute(insert(_due_work), rows)


def add_once(
    session: Session,
    kind: str,
    team_id: str,
    period: str,
    recipient: str,
    due_at: datetime,
    now: datetime,
) -> int | None:
    """Once-per-period work; its id when this call created it, None when it existed."""
    values: dict[str, Any] = {
        "kind": kind,
        "team_id": team_id,
        "period": period,
        "recipient": recipient,
        "status": WorkStatus.TODO.value,
        "due_at": due_at,
        "attempts": 0,
        "send_key": uuid.uuid4().hex,
        "created_at": now,
    }
    return insert_if_absent(session, DueWork, values, ["kind", "team_id", "period", "recipient"])


def open_once(
    session: Session,
    kind: str,
    team_id: str,
    period: str,
    recipient: str,
    due_at: datetime,
    now: datetime,
) -> None:
    """Work kept as one row for good (a channel's catch-up): made if absent, due again at
    `due_at` if it had ended, its progress kept; left as it is while it is open (waiting
    for its time, or claimed), so whoever has it carries on."""
    if add_once(session, kind, team_id, period, recipient, due_at, now) is not None:
        return
    ended = [WorkStatus.DONE.value, WorkStatus.FAILED.value, WorkStatus.CANCELLED.value]
    session.execute(
        update(DueWork)
        .where(
            DueWork.kind == kind,
            DueWork.team_id == team_id,
            DueWork.period == period,
            DueWork.recipient == recipient,
            DueWork.status.in_(ended),
        )
        .values(
            status=WorkStatus.TODO.value,
            due_at=due_at,
            attempts=0,
            started_at=None,
            claimed_at=None,
            tried_from=None,
            tried_until=None,
            finished_at=None,
            note=None,
        ),
        execution_options={"synchronize_session": False},
    )


def kinds_for_period(session: Session, team_id: str, period: str, kinds: Iterable[str]) -> set[str]:
    """Which of these kinds of once-per-period work exist for the period."""
    found = session.scalars(
        select(DueWork.kind).where(
            DueWork.team_id == team_id, DueWork.period == period, DueWork.kind.in_(list(kinds))
        )
    )
    return set(found)


def claim(
    session: Session,
    now: datetime,
    lease: timedelta,
    limit: int,
    per_team: int | None = None,
    busy_teams: Collection[str] = (),
) -> Sequence[DueWork]:
    """Take up to `limit` rows that have fallen due, each until `now + lease`, in one
    statement: at most `per_team` of one workspace's, none of `busy_teams`', so one
    workspace with thousands due does not take every thread from the others.

    On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED in a WITH query, evaluated
    once, so replicas pass each other by; on SQLite the unit of work holds the write
    lock. A claimed row's `due_at` is its lease's end: if its runner dies, it falls due
    again, and the claim that ran out may have taken effect any time up to its lease's end."""
    statement = _claim(session.get_bind().dialect.name, limit, per_team, bool(busy_teams))
    known: dict[str, Any] = {"now": now, "lease_end": now + lease}
    if busy_teams:
        known["busy"] = list(busy_teams)
    return session.scalars(statement, known).all()


_NOW = bindparam("now", type_=UTCDateTime())
_BUSY: BindParameter[str] = bindparam("busy", expanding=True)


@lru_cache(maxsize=64)
def _claim(dialect: str, limit: int, per_team: int | None, busy: bool) -> ExecutableReturnsRows:
    """The claim's statement, built once per shape (the runner asks for few): `now`,
    the lease's end and the busy workspaces (an expanding list) come as parameters. A
    Core UPDATE whose RETURNING rows load as the ORM's DueWork."""
    picked = _due_rows(limit, dialect, per_team, busy).cte(CLAIMED)
    work = _due_work.c
    lease_ran_out = work.status == WorkStatus.DOING.value
    claimed = (
        update(_due_work)
        .where(work.id.in_(select(picked.c.id)))
        .values(
            status=WorkStatus.DOING.value,
            due_at=bindparam("lease_end", type_=UTCDateTime()),
            attempts=work.attempts + 1,
            started_at=func.coalesce(work.started_at, _NOW),
            claimed_at=_NOW,
            **_tried_until(case((lease_ran_out, work.due_at), else_=work.tried_until)),
        )
        .returning(*_due_work.c)
    )
    return select(DueWork).from_statement(claimed)


# How far past `limit` rows the claim looks for other workspaces' work.
LOOK_AHEAD = 8


def due_rows(
    now: datetime,
    limit: int,
    dialect: str,
    per_team: int | None = None,
    busy_teams: Collection[str] = (),
) -> Select[Any]:
    """The ids of the rows to claim next, earliest first, answered from the partial index;
    with `per_team`, at most that many of one workspace's among the first rows due."""
    shape = _due_rows(limit, dialect, per_team, bool(busy_teams))
    return shape.params(now=now, busy=list(busy_teams))


def _due_rows(limit: int, dialect: str, per_team: int | None, busy: bool) -> Select[Any]:
    """`due_rows` with `now` and the busy workspaces left as parameters, so the claim
    can build it once per shape."""
    query = select(DueWork.id).where(_open(), DueWork.due_at <= _NOW)
    if busy:
        query = query.where(DueWork.team_id.not_in(_BUSY))
    query = query.order_by(DueWork.due_at, DueWork.id)  # ties in the order they were added
    if per_team is None:
        query = query.limit(limit)
        return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query
    ahead = query.add_columns(DueWork.team_id, DueWork.due_at).limit(limit * LOOK_AHEAD)
    if dialect == "postgresql":
        ahead = ahead.with_for_update(skip_locked=True)
    first = ahead.cte(f"{CLAIMED}_first")
    place = (
        func.row_number()
        .over(partition_by=first.c.team_id, order_by=(first.c.due_at, first.c.id))
        .label("place")
    )
    ranked = select(first.c.id, first.c.due_at, place).cte(f"{CLAIMED}_ranked")
    return (
        select(ranked.c.id)
        .where(ranked.c.place <= per_team)
        .order_by(ranked.c.due_at, ranked.c.id)
        .limit(limit)
    )


def finish(session: Session, work_id: int, attempt: int, now: datetime, note: str = "") -> bool:
    """The claim's work is done. False when the claim was lost (its lease ran out)."""
    return _end_claim(
        session, work_id, attempt, status=WorkStatus.DONE, finished_at=now, note=_note(note)
    )


class EndedWith(str):
    """A handler's note for work it finished itself, with `finish`, in the unit of work
    that recorded what it did: the runner has nothing left to end."""


def fail(session: Session, work_id: int, attempt: int, now: datetime, why: str) -> bool:
    return _end_claim(
        session, work_id, attempt, status=WorkStatus.FAILED, finished_at=now, note=_note(why)
    )


def move_waiting(session: Session, kind: str, team_id: str, period: str, to: datetime) -> int:
    """Once-per-period work not yet started now falls due at `to`."""
    return _move_todo(
        session, to, DueWork.kind == kind, DueWork.team_id == team_id, DueWork.period == period
    )


def hold_back(session: Session, kind: str, team_id: str, until: datetime) -> int:
    """Work of `kind` for the workspace, waiting to start before `until`, now waits for
    `until`: claiming it sooner would only find it held up too. Not work that must first
    look whether an earlier attempt posted (`tried_until`): it can look meanwhile."""
    return _move_todo(
        session,
        until,
        DueWork.kind == kind,
        DueWork.team_id == team_id,
        DueWork.due_at < until,
        DueWork.tried_until.is_(None),
    )


def _move_todo(session: Session, to: datetime, *where: ColumnElement[bool]) -> int:
    result = session.execute(
        update(DueWork).where(DueWork.status == WorkStatus.TODO.value, *where).values(due_at=to),
        execution_options={"synchronize_session": False},
    )
    return rows_changed(result)


def retry_at(
    session: Session,
    work_id: int,
    attempt: int,
    at: datetime,
    why: str,
    counted: bool,
    ended: datetime | None = None,
) -> bool:
    """Run again at `at`. An uncounted retry (a rate limit, the recipient away) gives the
    attempt back, since nothing was tried that could have taken effect. A counted one
    may have taken effect before `ended` (by when anything it sent has landed)."""
    values: dict[str, Any] = {"status": WorkStatus.TODO.value, "due_at": at, "note": _note(why)}
    if not counted:
        values["attempts"] = DueWork.attempts - 1
    elif ended is not None:
        values |= _tried_until(literal(ended, UTCDateTime()))
    return _end_claim(session, work_id, attempt, **values)


def looked(session: Session, work_id: int, attempt: int) -> bool:
    """The earlier attempts' window has been read through: what they did is known."""
    return _end_claim(session, work_id, attempt, tried_from=None, tried_until=None)


def _tried_until(until: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
    """The window of attempts that may have taken effect, widened to take in this claim's
    up to `until`; as it was when `until` is null (nothing was tried)."""
    return {
        "tried_from": case(
            (until.is_(None), DueWork.tried_from),
            else_=func.coalesce(DueWork.tried_from, DueWork.claimed_at),
        ),
        "tried_until": until,
    }


def save_progress(session: Session, work_id: int, attempt: int, progress: dict[str, Any]) -> bool:
    """What a claimed row has done so far, so a retry carries on from there. False when
    the claim was lost, and with it the right to say."""
    return _end_claim(session, work_id, attempt, progress=progress)


def cancel_waiting(session: Session, kinds: Collection[str], subject_ids: Collection[int]) -> int:
    """Work not yet started for these subjects is no longer wanted. Claimed rows run on;
    their handlers check, under a row lock, that the step is still wanted before they
    record anything."""
    if not subject_ids:
        return 0
    result = session.execute(
        update(DueWork)
        .where(
            DueWork.kind.in_(list(kinds)),
            DueWork.subject_id.in_(list(subject_ids)),
            DueWork.status == WorkStatus.TODO.value,
        )
        .values(status=WorkStatus.CANCELLED.value),
        execution_options={"synchronize_session": False},
    )
    return rows_changed(result)


def call_off(session: Session, kind: str, team_id: str, why: str) -> None:
    """The workspace's work of `kind` not yet started is no longer wanted, and says why."""
    session.execute(
        update(DueWork)
        .where(
            DueWork.team_id == team_id,
            DueWork.kind == kind,
            DueWork.status == WorkStatus.TODO.value,
        )
        .values(status=WorkStatus.CANCELLED.value, note=_note(why))
    )


def waiting(
    session: Session, kinds: Collection[str], subject_ids: Collection[int]
) -> list[DueWork]:
    if not subject_ids:
        return []
    return list(
        session.scalars(
            select(DueWork).where(
                DueWork.kind.in_(list(kinds)),
                DueWork.subject_id.in_(list(subject_ids)),
                _open(),
            )
        )
    )


def failed_since(
    session: Session, team_id: str, since: datetime, limit: int
) -> list[tuple[str, datetime, str]]:
    """The workspace's work given up for good since `since`, newest first: kind, when,
    and why."""
    rows = session.execute(
        select(DueWork.kind, DueWork.finished_at, DueWork.note)
        .where(
            DueWork.team_id == team_id,
            DueWork.status == WorkStatus.FAILED.value,
            DueWork.finished_at >= since,
        )
        .order_by(DueWork.finished_at.desc(), DueWork.id.desc())
        .limit(limit)
    )
    return [(kind, at, note or "") for kind, at, note in rows if at is not None]


def backlog(session: Session, now: datetime) -> tuple[datetime | None, int]:
    """When the oldest work fallen due and not yet claimed fell due, and how many rows
    are claimed now: how far behind the runners are."""
    oldest: datetime | None = session.scalar(
        select(func.min(DueWork.due_at)).where(
            DueWork.status == WorkStatus.TODO.value, DueWork.due_at <= now
        )
    )
    held = session.scalar(select(func.count()).where(DueWork.status == WorkStatus.DOING.value))
    return oldest, int(held or 0)


def next_due(session: Session) -> datetime | None:
    """When the earliest open work falls due (a claimed row's lease end included)."""
    return session.scalar(
        select(func.min(DueWork.due_at)).where(
            DueWork.status.in_([WorkStatus.TODO.value, WorkStatus.DOING.value])
        )
    )


def _end_claim(session: Session, work_id: int, attempt: int, **values: Any) -> bool:
    claim_is = {"work_id": work_id, "attempt": attempt}
    if any(isinstance(value, ClauseElement) for value in values.values()):
        result = session.execute(
            update(_due_work).where(*_still_claimed()).values(**values), claim_is
        )
    else:
        statement = _end_claim_with(tuple(sorted(values)))
        result = session.execute(statement, claim_is | {f"new_{k}": v for k, v in values.items()})
    return rows_changed(result) == 1


@lru_cache(maxsize=32)
def _end_claim_with(columns: tuple[str, ...]) -> Update:
    """The UPDATE that ends a claim setting these columns to plain values, built once:
    the values come as parameters (`new_` and the column's name)."""
    values = {name: bindparam(f"new_{name}", type_=_due_work.c[name].type) for name in columns}
    return update(_due_work).where(*_still_claimed()).values(values)


def _still_claimed() -> list[ColumnElement[bool]]:
    """The claim (its row and attempt, as parameters) is still the one running."""
    work = _due_work.c
    return [
        work.id == bindparam("work_id"),
        work.attempts == bindparam("attempt"),
        work.status == WorkStatus.DOING.value,
    ]


def _open() -> TextClause:
    """Written as the partial indexes' own predicate, literally, so PostgreSQL can use
    them whatever plan it caches."""
    return OPEN_WORK


def _note(text: str) -> str | None:
    return text[:NOTE_LIMIT] or None
