"""What a person's App Home shows: their check-ins (a page at a time), the customers
they look after, their stories and stories about them, and, for admins, the week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from bot.store import checkins as checkin_queries
from bot.store import deals as deal_queries
from bot.store import due
from bot.store import stories as story_queries
from bot.store import weekly as weekly_queries
from bot.store.db import Store
from bot.store.models import CheckInStatus, Deal, Story, Visibility

from .checkins import WAITING_FOR_AN_ANSWER, Step
from .stories import week_bounds, week_of
from .weekly import DIGEST, History, RelationshipPicture, history, zone_of
from .workspaces import settings_for

PAGE = 15
CUSTOMERS_SHOWN = 10
STORIES_SHOWN = 5
STORIES_READ = 200
NOT_SENT_SHOWN = 5
NOT_SENT_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class NotSent:
    """Work Serve gave up on, with the reason stored when it did: admins see it."""

    kind: str
    at: datetime
    why: str


@dataclass(frozen=True)
class Home:
    user_id: str
    checkins: list[Step]  # this page: waiting for an answer first, then coming up
    waiting_total: int
    upcoming_total: int
    page: int
    pages: int
    customers: list[Deal]
    customers_total: int
    my_stories: list[Story]
    stories_about_me: list[Story]
    week: RelationshipPicture | None  # for admins only
    not_sent: list[NotSent]  # for admins only: the last two weeks'
    history: History | None = None  # for admins only: the last 12 weeks' figures
    chart: tuple[str, str] | None = None  # the latest digest's uploaded chart: (file, alt)


def home_for(
    store: Store, env: Settings, team_id: str, user_id: str, page: int, admin: bool, now: datetime
) -> Home:
    with store.reading() as session:
        waiting = checkin_queries.for_recipient(session, team_id, user_id, WAITING_FOR_AN_ANSWER)
        upcoming = checkin_queries.for_recipient(
            session, team_id, user_id, (CheckInStatus.PLANNED,)
        )
        customers, customers_total = deal_queries.owned_by(
            session, team_id, user_id, CUSTOMERS_SHOWN
        )
        recent = story_queries.recent_stories(session, team_id, STORIES_READ)
    rows = [Step(c, d, None) for c, d in waiting + upcoming]
    pages = max(1, -(-len(rows) // PAGE))
    page = min(max(page, 0), pages - 1)
    return Home(
        user_id=user_id,
        checkins=rows[page * PAGE : (page + 1) * PAGE],
        waiting_total=len(waiting),
        upcoming_total=len(upcoming),
        page=page,
        pages=pages,
        customers=customers,
        customers_total=customers_total,
        my_stories=[s for s in recent if s.shared_by == user_id][:STORIES_SHOWN],
        stories_about_me=[
            s for s in recent if user_id in s.helpers and s.visibility != Visibility.LEADS
        ][:STORIES_SHOWN],
        week=_this_week(store, env, team_id, now) if admin else None,
        not_sent=_not_sent(store, team_id, now) if admin else [],
        history=_history(store, env, team_id, now) if admin else None,
        chart=_latest_chart(store, team_id) if admin else None,
    )


def _history(store: Store, env: Settings, team_id: str, now: datetime) -> History:
    zone = zone_of(settings_for(store, team_id, env))
    return history(store, team_id, week_of(now, zone), zone)


def _latest_chart(store: Store, team_id: str) -> tuple[str, str] | None:
    """The chart the latest digest uploaded, shown again rather than rendered here: the
    Home is published on the request's path and must not wait on drawing."""
    with store.reading() as session:
        progress = weekly_queries.latest_digest_progress(session, team_id, DIGEST)
    chart = (progress or {}).get("chart") or {}
    return (str(chart["file"]), str(chart["alt"])) if "file" in chart else None


def _not_sent(store: Store, team_id: str, now: datetime) -> list[NotSent]:
    with store.reading() as session:
        failed = due.failed_since(session, team_id, now - NOT_SENT_WITHIN, NOT_SENT_SHOWN)
    return [NotSent(kind, at, why) for kind, at, why in failed]


def _this_week(store: Store, env: Settings, team_id: str, now: datetime) -> RelationshipPicture:
    zone = zone_of(settings_for(store, team_id, env))
    start, end = week_bounds(week_of(now, zone), zone)
    with store.reading() as session:
        sent, done = weekly_queries.checkins_sent_and_done(session, team_id, start, end)
        return RelationshipPicture(
            deals_closed=weekly_queries.deals_closed(session, team_id, start, end),
            checkins_sent=sent,
            checkins_done=done,
            needed_help=weekly_queries.customers_needing_help(session, team_id, start, end),
        )
