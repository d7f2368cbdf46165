"""A customer's relationship timeline: the deal, every check-in with its outcome and
note, hand-offs, and the stories that name the customer, newest first. Whoever picks up
the account sees the relationship, not just the contract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.store.db import Store
from bot.store.models import CheckIn, Deal, DealStatus, HandOff, Story, Visibility

MATCHES_MAX = 10
GONE = (DealStatus.DISMISSED.value, DealStatus.DELETED.value)


class Moment(StrEnum):
    CLOSED = "closed"
    CHECKIN = "checkin"
    HAND_OFF = "hand_off"
    STORY = "story"


@dataclass(frozen=True)
class Entry:
    at: datetime
    moment: Moment
    checkin: CheckIn | None = None
    hand_off: HandOff | None = None
    story: Story | None = None


@dataclass(frozen=True)
class Timeline:
    deal: Deal
    entries: list[Entry]  # newest first


def find_customers(store: Store, team_id: str, typed: str) -> list[Deal]:
    """Deals whose customer matches `typed`, ignoring case: an exact match alone, else
    every name it begins, at most a few (newest first); removed deals are left out."""
    wanted = " ".join(typed.split()).lower()
    if not wanted:
        return []
    with store.reading() as session:
        deals = session.scalars(
            select(Deal)
            .where(
                Deal.team_id == team_id,
                Deal.status.not_in(GONE),
                func.lower(Deal.customer).startswith(wanted, autoescape=True),
            )
            .order_by(Deal.closed_at.desc(), Deal.id.desc())
            .limit(MATCHES_MAX * 5)
        ).all()
    exact = [d for d in deals if d.customer.lower() == wanted]
    return (exact or list(deals))[:MATCHES_MAX]


def timeline(store: Store, team_id: str, deal_id: int, can_see_leads: bool) -> Timeline | None:
    with store.reading() as session:
        deal = session.get(Deal, deal_id)
        if deal is None or deal.team_id != team_id:
            return None
        entries = [Entry(deal.closed_at, Moment.CLOSED)]
        entries += [
            Entry(c.logged_at or c.sent_at or c.due_at or c.created_at, Moment.CHECKIN, checkin=c)
            for c in session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id))
        ]
        entries += [
            Entry(h.at, Moment.HAND_OFF, hand_off=h)
            for h in session.scalars(select(HandOff).where(HandOff.deal_id == deal.id))
        ]
        entries += [
            Entry(s.created_at, Moment.STORY, story=s)
            for s in _stories_naming(session, team_id, deal.customer, can_see_leads)
        ]
    return Timeline(deal, sorted(entries, key=lambda e: e.at, reverse=True))


def _stories_naming(
    session: Session, team_id: str, customer: str, can_see_leads: bool
) -> Sequence[Story]:
    pattern = customer.lower()
    query = select(Story).where(
        Story.team_id == team_id,
        or_(
            func.lower(Story.served).contains(pattern, autoescape=True),
            func.lower(Story.what_happened).contains(pattern, autoescape=True),
        ),
    )
    if not can_see_leads:
        query = query.where(Story.visibility != Visibility.LEADS.value)
    return session.scalars(query).all()
