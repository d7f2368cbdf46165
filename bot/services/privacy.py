"""What Serve holds about a person, and forgetting it when they ask.

Forgetting removes what is theirs (stories they shared, notes they wrote, their
preferences and message counts) and takes their name off everything else: deals and
check-ins stay, attributed to "a former teammate", so the team keeps the customer's
relationship while the person leaves no trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store import audit, due, people
from bot.store import privacy as queries
from bot.store import stories as story_queries
from bot.store.db import Store
from bot.store.models import FORMER_TEAMMATE, AuditKind, Deal, Member, Story, Visibility

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
        deals = queries.owned_deals(session, team_id, user_id)
        to_me = queries.count_checkins_to(session, team_id, user_id)
        notes = queries.notes_by(session, team_id, user_id)
        stories = queries.team_stories(session, team_id)
        member = people.member(session, team_id, user_id)
        counted = people.count_nudges_since(session, team_id, user_id, since)
        hand_offs = queries.count_hand_offs(session, team_id, user_id)
    return Held(
        deals=deals,
        checkins_to_me=to_me,
        notes=[(customer, outcome, note or "") for customer, outcome, note in notes],
        shared=[s for s in stories if s.shared_by == user_id],
        about_me=[
            s
            for s in stories
            if user_id in (s.helpers or [])
            and s.shared_by != user_id
            and s.visibility != Visibility.LEADS.value
        ],
        paused=member if member is not None and member.prompts_paused else None,
        messages_this_week=counted,
        hand_offs=hand_offs,
    )


def forget(store: Store, clock: Clock, team_id: str, user_id: str) -> Forgotten:
    """All of it in one unit of work: nothing is half forgotten. The audit trail says a
    former teammate was forgotten, and what went, but not who: entries they made
    before become a former teammate's too."""
    now = clock.now()
    with store.session() as session:
        stories = _forget_stories(session, team_id, user_id)
        notes = queries.forget_notes(session, team_id, user_id, now)
        cancelled = _cancel_waiting_checkins(session, team_id, user_id, now)
        checkins, deals = queries.name_former_teammate(session, team_id, user_id, now)
        people.delete_person(session, team_id, user_id)
        done = Forgotten(stories[0], stories[1], notes, deals, checkins, cancelled)
        audit.name_former_teammate(session, team_id, user_id)
        audit.record(session, team_id, now, FORMER_TEAMMATE, AuditKind.FORGET_ME, asdict(done))
        return done


def _forget_stories(session: Session, team_id: str, user_id: str) -> tuple[int, int]:
    """Delete the stories they shared; take them off the helpers of others'."""
    deleted = named = 0
    for story in queries.hold_team_stories(session, team_id):
        if story.shared_by == user_id:
            story_queries.delete_story(session, story)
            deleted += 1
        elif user_id in (story.helpers or []):
            story.helpers = [h for h in story.helpers if h != user_id]
            named += 1
    return deleted, named


def _cancel_waiting_checkins(session: Session, team_id: str, user_id: str, now: datetime) -> int:
    """Check-ins still to go to them have nobody to go to."""
    ids = queries.cancel_checkins_to(session, team_id, user_id, now)
    due.cancel_waiting(session, STEPS, ids)
    return len(ids)
