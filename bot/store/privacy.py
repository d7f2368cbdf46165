"""Queries for what Serve holds about one person, and for forgetting them: their own
rows go, and their id elsewhere becomes "a former teammate"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Update, func, or_, select, update
from sqlalchemy.orm import Session

from .db import rows_changed
from .models import (
    FORMER_TEAMMATE,
    OPEN_CHECKIN_STATUSES,
    CheckIn,
    CheckInStatus,
    Deal,
    HandOff,
    LabelledMessage,
    Story,
)


def owned_deals(session: Session, team_id: str, user_id: str) -> Sequence[Deal]:
    """Every deal the person owns, in any state, most recently closed first."""
    return session.scalars(
        select(Deal)
        .where(Deal.team_id == team_id, Deal.owner_id == user_id)
        .order_by(Deal.closed_at.desc())
    ).all()


def count_checkins_to(session: Session, team_id: str, user_id: str) -> int:
    counted = session.scalar(
        select(func.count())
        .select_from(CheckIn)
        .where(CheckIn.team_id == team_id, CheckIn.recipient_id == user_id)
    )
    return int(counted or 0)


def notes_by(
    session: Session, team_id: str, user_id: str
) -> list[tuple[str, str | None, str | None]]:
    """(customer, outcome, note) for each check-in the person logged with a note,
    newest first."""
    rows = session.execute(
        select(Deal.customer, CheckIn.outcome, CheckIn.note)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.logged_by == user_id,
            CheckIn.note.is_not(None),
        )
        .order_by(CheckIn.logged_at.desc())
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def team_stories(session: Session, team_id: str) -> Sequence[Story]:
    """Every story of the workspace, newest first: the caller sorts out whose."""
    return session.scalars(
        select(Story).where(Story.team_id == team_id).order_by(Story.created_at.desc())
    ).all()


def count_hand_offs(session: Session, team_id: str, user_id: str) -> int:
    """Hand-offs from or to the person."""
    counted = session.scalar(
        select(func.count())
        .select_from(HandOff)
        .where(
            HandOff.team_id == team_id,
            or_(HandOff.from_user == user_id, HandOff.to_user == user_id),
        )
    )
    return int(counted or 0)


def hold_team_stories(session: Session, team_id: str) -> Sequence[Story]:
    """Every story of the workspace, held until the unit of work ends: a story edited
    meanwhile cannot put the forgotten person back."""
    return session.scalars(select(Story).where(Story.team_id == team_id).with_for_update()).all()


def forget_notes(session: Session, team_id: str, user_id: str, now: datetime) -> int:
    """The notes the person wrote are theirs: gone; the outcome stays, logged by a
    former teammate. How many check-ins they had logged."""
    return _changed(
        session,
        update(CheckIn)
        .where(CheckIn.team_id == team_id, CheckIn.logged_by == user_id)
        .values(note=None, logged_by=FORMER_TEAMMATE, updated_at=now),
    )


def cancel_checkins_to(session: Session, team_id: str, user_id: str, now: datetime) -> list[int]:
    """Check-ins still to go to the person are cancelled; their ids (their due work is
    the caller's to call off)."""
    return list(
        session.scalars(
            update(CheckIn)
            .where(
                CheckIn.team_id == team_id,
                CheckIn.recipient_id == user_id,
                CheckIn.status.in_([s.value for s in OPEN_CHECKIN_STATUSES]),
            )
            .values(status=CheckInStatus.CANCELLED.value, updated_at=now)
            .returning(CheckIn.id),
            execution_options={"synchronize_session": False},
        ).all()
    )


def name_former_teammate(
    session: Session, team_id: str, user_id: str, now: datetime
) -> tuple[int, int]:
    """The person becomes "a former teammate" wherever the team's records name them
    (check-ins to them or helped by them, deals they own, posted or removed,
    hand-offs, labels); how many check-ins were theirs, and how many deals."""
    checkins = _changed(
        session,
        update(CheckIn)
        .where(CheckIn.team_id == team_id, CheckIn.recipient_id == user_id)
        .values(recipient_id=FORMER_TEAMMATE, updated_at=now),
    )
    _changed(
        session,
        update(CheckIn)
        .where(CheckIn.team_id == team_id, CheckIn.helper_id == user_id)
        .values(helper_id=FORMER_TEAMMATE),
    )
    deals = _changed(
        session,
        update(Deal)
        .where(Deal.team_id == team_id, Deal.owner_id == user_id)
        .values(owner_id=FORMER_TEAMMATE, owner_name=None, owner_email=None, updated_at=now),
    )
    for column in (Deal.posted_by, Deal.removed_by):
        _changed(
            session,
            update(Deal)
            .where(Deal.team_id == team_id, column == user_id)
            .values({column: FORMER_TEAMMATE}),
        )
    for column in (HandOff.from_user, HandOff.to_user):
        _changed(
            session,
            update(HandOff)
            .where(HandOff.team_id == team_id, column == user_id)
            .values({column: FORMER_TEAMMATE}),
        )
    _changed(
        session,
        update(LabelledMessage)
        .where(LabelledMessage.team_id == team_id, LabelledMessage.labelled_by == user_id)
        .values(labelled_by=FORMER_TEAMMATE),
    )
    return checkins, deals


def _changed(session: Session, statement: Update) -> int:
    """Run a bulk UPDATE the session's objects need not follow; how many rows it changed."""
    return rows_changed(
        session.execute(statement, execution_options={"synchronize_session": False})
    )
