"""A customer's relationship timeline: the deal, every check-in with its outcome and
note, hand-offs, and the stories that name the customer, newest first. Whoever picks up
the account sees the relationship, not just the contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.store import deals as deal_queries
from bot.store import timeline as queries
from bot.store.db import Store
from bot.store.models import CheckIn, Deal, HandOff, Story

MATCHES_MAX = 10


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
        deals = queries.customers_starting(session, team_id, wanted, MATCHES_MAX * 5)
    exact = [d for d in deals if d.customer.lower() == wanted]
    return (exact or list(deals))[:MATCHES_MAX]


def timeline(store: Store, team_id: str, deal_id: int, can_see_leads: bool) -> Timeline | None:
    with store.reading() as session:
        deal = deal_queries.deal_by_id(session, deal_id, team_id)
        if deal is None:
            return None
        entries = [Entry(deal.closed_at, Moment.CLOSED)]
        entries += [
            Entry(c.logged_at or c.sent_at or c.due_at or c.created_at, Moment.CHECKIN, checkin=c)
            for c in queries.checkins_of(session, deal.id)
        ]
        entries += [
            Entry(h.at, Moment.HAND_OFF, hand_off=h) for h in queries.hand_offs_of(session, deal.id)
        ]
        entries += [
            Entry(s.created_at, Moment.STORY, story=s)
            for s in queries.stories_naming(session, team_id, deal.customer, can_see_leads)
        ]
    return Timeline(deal, sorted(entries, key=lambda e: e.at, reverse=True))
