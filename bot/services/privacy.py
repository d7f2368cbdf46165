"""What Serve holds about a person, and forgetting it when they ask.

Forgetting removes what is theirs (stories they shared, notes they wrote, their
preferences and message counts) and takes their name off everything else: deals and
check-ins stay, attributed to "a former teammate", so the team keeps the customer's
relationship while the person leaves no trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Update, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store import due
from bot.store.db import Store, rows_changed
from bot.store.models import (
    FORMER_TEAMMATE,
    OPEN_CHECKIN_STATUSES,
    CheckIn,
    CheckInStatus,
    Deal,
    HandOff,
    LabelledMessage,
    Member,
    Nudge,
    Story,
    Visibility,
)

from .checkins import STEPS


@dataclass(frozen=True)
class Held:
    """Everything Serve keeps that is about, or by, one person."""

    deals: Sequence[Deal]
    checkins_to_me: int
    notes: Sequence[tuple[str, str | None, str]]  # customer, outcome, my note
    shared: Sequence[Story]
    about_me: Sequence[Story]  # as the team may read them: anonymous sharers stay so
    paused: Member | None
    messages_this_week: int
    hand_offs: int


@dataclass(frozen=True)
class Forgotten:
    stories: int
    named_in: int
    notes: int
    deals: int
    checkins: int
    cancelled: int


def held(store: Store, team_id: str, user_id: str, since: datetime) -> Held:
    with store.reading() as session:
        deals = session.scalars(
            select(Deal)
            .where(Deal.team_id == team_id, Deal.owner_id == user_id)
            .order_by(Deal.closed_at.desc())
        ).all()
        to_me = session.scalar(
            select(func.count())
            .select_from(CheckIn)
            .where(CheckIn.team_id == team_id, CheckIn.recipient_id == user_id)
        )
        notes = session.execute(
            select(Deal.customer, CheckIn.outcome, CheckIn.note)
            .join(Deal, Deal.id == CheckIn.deal_id)
            .where(
                CheckIn.team_id == team_id,
                CheckIn.logged_by == user_id,
                CheckIn.note.is_not(None),
            )
            .order_by(CheckIn.logged_at.desc())
        ).all()
        stories = session.scalars(
            select(Story).where(Story.team_id == team_id).order_by(Story.created_at.desc())
        ).all()
        member = session.get(Member, (team_id, user_id))
        counted = session.scalar(
            select(func.count())
            .select_from(Nudge)
            .where(Nudge.team_id == team_id, Nudge.user_id == user_id, Nudge.sent_at >= since)
        )
        hand_offs = session.scalar(
            select(func.count())
            .select_from(HandOff)
            .where(
                HandOff.team_id == team_id,
                or_(HandOff.from_user == user_id, HandOff.to_user == user_id),
            )
        )
    return Held(
        deals=deals,
        checkins_to_me=int(to_me or 0),
        notes=[(row[0], row[1], row[2] or "") for row in notes],
        shared=[s for s in stories if s.shared_by == user_id],
        about_me=[
            s
            for s in stories
            if user_id in (s.helpers or [])
            and s.shared_by != user_id
            and s.visibility != Visibility.LEADS.value
        ],
        paused=member if member is not None and member.prompts_paused else None,
        messages_this_week=int(counted or 0),
        hand_offs=int(hand_offs or 0),
    )


def forget(store: Store, clock: Clock, team_id: str, user_id: str) -> Forgotten:
    """All of it in one unit of work: nothing is half forgotten."""
    now = clock.now()
    with store.session() as session:
        stories = _forget_stories(session, team_id, user_id)
        notes = _changed(
            session,
            update(CheckIn)
            .where(CheckIn.team_id == team_id, CheckIn.logged_by == user_id)
            .values(note=None, logged_by=FORMER_TEAMMATE, updated_at=now),
        )
        cancelled = _cancel_waiting_checkins(session, team_id, user_id, now)
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
            .values(owner_id=FORMER_TEAMMATE, owner_name=None, updated_at=now),
        )
        for column in (Deal.posted_by, Deal.removed_by):
            session.execute(
                update(Deal)
                .where(Deal.team_id == team_id, column == user_id)
                .values({column: FORMER_TEAMMATE}),
                execution_options={"synchronize_session": False},
            )
        for column in (HandOff.from_user, HandOff.to_user):
            session.execute(
                update(HandOff)
                .where(HandOff.team_id == team_id, column == user_id)
                .values({column: FORMER_TEAMMATE}),
                execution_options={"synchronize_session": False},
            )
        session.execute(
            update(LabelledMessage)
            .where(LabelledMessage.team_id == team_id, LabelledMessage.labelled_by == user_id)
            .values(labelled_by=FORMER_TEAMMATE),
            execution_options={"synchronize_session": False},
        )
        session.execute(delete(Member).where(Member.team_id == team_id, Member.user_id == user_id))
        session.execute(delete(Nudge).where(Nudge.team_id == team_id, Nudge.user_id == user_id))
        return Forgotten(stories[0], stories[1], notes, deals, checkins, cancelled)


def _forget_stories(session: Session, team_id: str, user_id: str) -> tuple[int, int]:
    """Delete the stories they shared; take them off the helpers of others'."""
    deleted = named = 0
    for story in session.scalars(
        select(Story).where(Story.team_id == team_id).with_for_update()
    ).all():
        if story.shared_by == user_id:
            session.delete(story)
            deleted += 1
        elif user_id in (story.helpers or []):
            story.helpers = [h for h in story.helpers if h != user_id]
            named += 1
    return deleted, named


def _cancel_waiting_checkins(session: Session, team_id: str, user_id: str, now: datetime) -> int:
    """Check-ins still to go to them have nobody to go to."""
    ids = list(
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
    due.cancel_waiting(session, STEPS, ids)
    return len(ids)


def _changed(session: Session, statement: Update) -> int:
    return rows_changed(
        session.execute(statement, execution_options={"synchronize_session": False})
    )
