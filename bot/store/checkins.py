"""Queries on check-ins."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table, Update, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from .models import (
    OPEN_CHECKIN_STATUSES,
    CheckIn,
    CheckInStatus,
    Deal,
    DealStatus,
    HandOff,
    Member,
    UTCDateTime,
    Workspace,
)


def checkin(session: Session, checkin_id: int, lock: bool = False) -> CheckIn | None:
    """`lock` holds the check-in's row until the unit of work ends: a step re-checks,
    under it, that nothing overtook it."""
    return session.get(CheckIn, checkin_id, with_for_update=lock)


def existing_checkin(session: Session, checkin_id: int, reread: bool = False) -> CheckIn:
    """A check-in known to exist. `reread` loads it afresh, after a bulk UPDATE the
    session's copy did not see."""
    return session.get_one(CheckIn, checkin_id, populate_existing=reread)


def add_checkin(session: Session, checkin: CheckIn) -> None:
    """A new check-in, written with the unit of work (or sooner, when a flush needs
    its id for its due work)."""
    session.add(checkin)


def add_new_checkins(session: Session, rows: list[dict[str, Any]]) -> list[CheckIn]:
    """A new deal's check-ins in one INSERT of many rows, returned with their ids in the
    order of their stages (a unit of work would insert them one by one)."""
    if not rows:
        return []
    added = session.scalars(_ADD_CHECKINS, rows).all()
    return sorted(added, key=lambda checkin: checkin.stage)


_checkins = cast(Table, CheckIn.__table__)
# A Core INSERT of many rows, built once, its RETURNING rows loaded as the ORM's CheckIn
# (the ORM's own bulk INSERT would sort each row's values per call).
_ADD_CHECKINS = select(CheckIn).from_statement(insert(_checkins).returning(*_checkins.c))


def add_hand_off(session: Session, hand_off: HandOff) -> None:
    """A hand-off, kept for the customer's timeline."""
    session.add(hand_off)


def checkins_for_deal(session: Session, deal_id: int) -> Sequence[CheckIn]:
    return session.scalars(
        select(CheckIn).where(CheckIn.deal_id == deal_id).order_by(CheckIn.stage, CheckIn.id)
    ).all()


def open_checkins(session: Session, deal_id: int) -> Sequence[CheckIn]:
    return session.scalars(_OPEN_CHECKINS, {"deal_id": deal_id}).all()


_OPEN_CHECKINS = (
    select(CheckIn)
    .where(CheckIn.deal_id == bindparam("deal_id"), CheckIn.status.in_(OPEN_CHECKIN_STATUSES))
    .order_by(CheckIn.stage, CheckIn.id)
)


def for_recipient(
    session: Session, team_id: str, user_id: str, statuses: Sequence[CheckInStatus]
) -> list[tuple[CheckIn, Deal]]:
    """A person's check-ins in these states with their deals, soonest first."""
    rows = session.execute(
        select(CheckIn, Deal)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.recipient_id == user_id,
            CheckIn.status.in_([s.value for s in statuses]),
            Deal.status == DealStatus.ACTIVE.value,
        )
        .order_by(CheckIn.due_at, CheckIn.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def with_deal_and_workspace(
    session: Session, checkin_id: int, lock: bool = False
) -> tuple[CheckIn, Deal, Workspace | None, Member | None] | None:
    """A check-in, its deal, its workspace and its recipient's preferences in one query.
    `lock` holds the deal's row and then the check-in's until the unit of work ends:
    always the deal first, as every change to a deal and its check-ins does, so two of
    them never wait on each other."""
    if lock:
        deal_of = select(CheckIn.deal_id).where(CheckIn.id == checkin_id).scalar_subquery()
        session.execute(select(Deal.id).where(Deal.id == deal_of).with_for_update())
    query = (
        select(CheckIn, Deal, Workspace, Member)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .outerjoin(Workspace, Workspace.team_id == CheckIn.team_id)
        .outerjoin(
            Member,
            and_(Member.team_id == CheckIn.team_id, Member.user_id == CheckIn.recipient_id),
        )
        .where(CheckIn.id == checkin_id)
    )
    if lock:
        query = query.with_for_update(of=CheckIn)
    row = session.execute(query).one_or_none()
    return (row[0], row[1], row[2], row[3]) if row else None


def step_row(session: Session, checkin_id: int) -> tuple[CheckIn, Deal, Workspace | None] | None:
    """A check-in with its deal and workspace in one query, the check-in's row held
    until the unit of work ends (never the deal's: a send holds the person, then their
    check-ins)."""
    row = session.execute(_STEP_ROW, {"checkin_id": checkin_id}).one_or_none()
    return (row[0], row[1], row[2]) if row else None


_STEP_ROW = (
    select(CheckIn, Deal, Workspace)
    .join(Deal, Deal.id == CheckIn.deal_id)
    .outerjoin(Workspace, Workspace.team_id == CheckIn.team_id)
    .where(CheckIn.id == bindparam("checkin_id"))
    .with_for_update(of=CheckIn)
)


def close_open(session: Session, deal_id: int, status: CheckInStatus, now: datetime) -> list[int]:
    """Close a deal's open check-ins; the ids of those closed."""
    result = session.scalars(
        update(CheckIn)
        .where(CheckIn.deal_id == deal_id, CheckIn.status.in_(OPEN_CHECKIN_STATUSES))
        .values(status=status.value, updated_at=now)
        .returning(CheckIn.id),
        execution_options={"synchronize_session": "fetch"},
    )
    return list(result)


def record_sent(
    session: Session, checkin_id: int, channel: str, ts: str, now: datetime
) -> str | None:
    """Note where a check-in's DM went. A planned check-in becomes sent and its team is
    returned. One closed while its DM was on the way keeps its state and does not count
    as sent; only where the DM went is kept, so its buttons can be answered (None)."""
    where = {"checkin_id": checkin_id, "dm_channel": channel, "message_ts": ts, "now": now}
    was_planned = session.scalars(_SENT_IF_PLANNED, where).one_or_none()
    if was_planned is None:
        session.execute(_WHERE_SENT, where)
    return cast(str | None, was_planned)


def _record_sent() -> tuple[Update, Update]:
    """`record_sent`'s two Core UPDATEs, built once: a planned check-in becomes sent
    (its team returned), and where any check-in's DM went."""
    checkins = _checkins.c
    at = bindparam("now", type_=UTCDateTime())
    where = {
        "dm_channel": bindparam("dm_channel", type_=String()),
        "message_ts": bindparam("message_ts", type_=String()),
        "updated_at": at,
    }
    this_one = checkins.id == bindparam("checkin_id")
    sent = (
        update(_checkins)
        .where(this_one, checkins.status == CheckInStatus.PLANNED.value)
        .values(status=CheckInStatus.SENT.value, sent_at=at, **where)
        .returning(checkins.team_id)
    )
    return sent, update(_checkins).where(this_one).values(**where)


_SENT_IF_PLANNED, _WHERE_SENT = _record_sent()


def gather_for_dm(
    session: Session, leader: CheckIn, deal: Deal, horizon: datetime, most: int
) -> list[tuple[CheckIn, Deal]]:
    """Gather into `leader`'s DM the same person's other planned check-ins due by
    `horizon` that no DM carries yet, and return what the DM carries, soonest first.
    Only check-in rows are locked here (the leader's, then the others'), never a deal."""
    waiting = and_(
        CheckIn.team_id == leader.team_id,
        CheckIn.recipient_id == leader.recipient_id,
        CheckIn.status == CheckInStatus.PLANNED.value,
        CheckIn.sent_with.is_(None),
        CheckIn.due_at <= horizon,
        CheckIn.id != leader.id,
        Deal.status == DealStatus.ACTIVE.value,
    )
    candidates = session.scalars(
        select(CheckIn.id)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .where(waiting)
        .order_by(CheckIn.due_at, CheckIn.id)
        .limit(max(0, most - 1))
    ).all()
    if not candidates:
        return [(leader, deal)]
    session.execute(
        update(CheckIn)
        .where(CheckIn.id.in_(sorted(candidates)), CheckIn.sent_with.is_(None))
        .where(CheckIn.status == CheckInStatus.PLANNED.value)
        .values(sent_with=leader.id),
        execution_options={"synchronize_session": False},
    )
    leader.sent_with = leader.id
    session.flush()
    return carried_by(session, leader.id)


def carried_by(session: Session, leader_id: int) -> list[tuple[CheckIn, Deal]]:
    """The planned check-ins gathered into one DM, soonest first."""
    rows = session.execute(
        select(CheckIn, Deal)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .where(
            CheckIn.sent_with == leader_id,
            CheckIn.status == CheckInStatus.PLANNED.value,
            Deal.status == DealStatus.ACTIVE.value,
        )
        .order_by(CheckIn.due_at, CheckIn.id)
        .execution_options(populate_existing=True)
    ).all()
    return [(row[0], row[1]) for row in rows]


def in_same_dm(session: Session, checkin: CheckIn) -> list[tuple[CheckIn, Deal]]:
    """Every check-in shown in the DM that shows `checkin`, in the order shown."""
    if not (checkin.dm_channel and checkin.message_ts):
        return []
    rows = session.execute(
        select(CheckIn, Deal)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .where(
            CheckIn.dm_channel == checkin.dm_channel,
            CheckIn.message_ts == checkin.message_ts,
        )
        .order_by(CheckIn.due_at, CheckIn.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def release_from_dm(session: Session, leader_id: int) -> list[int]:
    """The DM led by `leader_id` will not go: the others it gathered go on their own."""
    return list(
        session.scalars(
            update(CheckIn)
            .where(
                CheckIn.sent_with == leader_id,
                CheckIn.id != leader_id,
                CheckIn.status == CheckInStatus.PLANNED.value,
            )
            .values(sent_with=None)
            .returning(CheckIn.id),
            execution_options={"synchronize_session": False},
        ).all()
    )


def status_counts(session: Session) -> Counter[str]:
    """How many check-ins are in each state, in every workspace: the simulation's tally."""
    return Counter(session.scalars(select(CheckIn.status)).all())


def count_sent(session: Session) -> int:
    """Check-ins whose DM ever went out, in every workspace."""
    return int(session.scalar(select(func.count()).where(CheckIn.sent_at.is_not(None))) or 0)
