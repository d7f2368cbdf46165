"""Service stories: checking a draft, keeping it, and who hears that they were noticed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store import due
from bot.store import stories as queries
from bot.store.db import Store
from bot.store.models import Story, Visibility

from . import markup
from .markup import Kind, Token
from .typed import has_control_characters

QUALITIES = (
    "listening",
    "empathy",
    "awareness",
    "foresight",
    "stewardship",
    "growth",
    "community",
)
NOTICED = "story_noticed"  # a helper told that someone noticed
TEXT_MIN, TEXT_MAX = 10, 2000
SERVED_MAX = 200


@dataclass(frozen=True)
class StoryDraft:
    helpers: tuple[str, ...]
    what_happened: str
    served: str | None = None
    quality: str | None = None
    visibility: Visibility = Visibility.NAMED
    source_link: str | None = None


class DraftProblem(StrEnum):
    NO_HELPERS = "no_helpers"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    SERVED_TOO_LONG = "served_too_long"
    UNKNOWN_QUALITY = "unknown_quality"
    CONTROL_CHARACTERS = "control_characters"


def draft_problems(draft: StoryDraft) -> dict[str, DraftProblem]:
    """What is wrong with a draft, by field; empty when it can be kept."""
    problems = {}
    if not draft.helpers:
        problems["helpers"] = DraftProblem.NO_HELPERS
    length = len(draft.what_happened.strip())
    if length < TEXT_MIN:
        problems["what_happened"] = DraftProblem.TOO_SHORT
    elif length > TEXT_MAX:
        problems["what_happened"] = DraftProblem.TOO_LONG
    elif has_control_characters(draft.what_happened, lines=True):
        problems["what_happened"] = DraftProblem.CONTROL_CHARACTERS
    if draft.served and len(draft.served.strip()) > SERVED_MAX:
        problems["served"] = DraftProblem.SERVED_TOO_LONG
    elif draft.served and has_control_characters(draft.served):
        problems["served"] = DraftProblem.CONTROL_CHARACTERS
    if draft.quality and draft.quality not in QUALITIES:
        problems["quality"] = DraftProblem.UNKNOWN_QUALITY
    return problems


def week_of(moment: datetime, zone: ZoneInfo) -> str:
    """The ISO week a moment falls in, in the workspace's time zone: `2026-W48`."""
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """The Monday of an ISO week key."""
    return date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def week_bounds(week: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(week_start(week), datetime.min.time(), zone)
    return start, datetime.combine(week_start(week) + timedelta(days=7), datetime.min.time(), zone)


def on_weekday(week: str, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """That week's `weekday` at `at`, local to `zone`."""
    return datetime.combine(week_start(week) + timedelta(days=weekday), at, zone)


def share_story(
    store: Store,
    clock: Clock,
    team_id: str,
    user_id: str,
    draft: StoryDraft,
    zone: ZoneInfo,
    notify_recognised: bool = False,
) -> Story:
    """Keep a story exactly as typed; the caller has checked `draft_problems` first.
    With `notify_recognised`, each helper is told someone noticed, when they can hear
    from us (due work, as any message Serve sends unasked)."""
    now = clock.now()
    with store.session() as session:
        return keep_story(session, team_id, user_id, draft, zone, notify_recognised, now)


def keep_story(
    session: Session,
    team_id: str,
    user_id: str,
    draft: StoryDraft,
    zone: ZoneInfo,
    notify_recognised: bool,
    now: datetime,
) -> Story:
    """`share_story` within the caller's unit of work."""
    if draft_problems(draft):
        raise ValueError("a story with problems cannot be kept")
    story = Story(
        team_id=team_id,
        shared_by=user_id,
        helpers=list(dict.fromkeys(draft.helpers)),
        served=(draft.served or "").strip() or None,
        what_happened=draft.what_happened.strip(),
        quality=draft.quality,
        visibility=draft.visibility.value,
        week=week_of(now, zone),
        source_link=draft.source_link,
        created_at=now,
    )
    queries.add_story(session, story)
    for helper in people_to_tell(story, notify_recognised):
        work = due.add(session, NOTICED, team_id, now, now, subject_id=story.id)
        work.recipient = helper
    return story


def noticed(store: Store, story_id: int) -> Story | None:
    with store.reading() as session:
        return queries.story(session, story_id)


def stories_for_digest(store: Store, team_id: str, week: str) -> Sequence[Story]:
    with store.reading() as session:
        return queries.team_stories(session, team_id, week)


def people_to_tell(story: Story, notify_recognised: bool) -> list[str]:
    """Who gets a DM that someone noticed: the helpers, never for leads-only stories,
    and not the sharer about their own story."""
    if not notify_recognised or story.visibility == Visibility.LEADS:
        return []
    return [helper for helper in story.helpers if helper != story.shared_by]


def helpers_named_in(text: str, author: str | None, sharer: str) -> list[str]:
    """Who a message about help is likely about: the people it mentions, else its author."""
    named = [user for user in dict.fromkeys(markup.mentions(text)) if user != sharer]
    if named:
        return named
    return [author] if author and author != sharer else []


def readable(text: str) -> str:
    """Slack message markup as a person would type it, to pre-fill a story."""
    return markup.plain(text, _as_typed)


def _as_typed(token: Token) -> str:
    """A person as their id (the story modal's people picker shows who it is), a channel
    by its name, a link or special command by its label, else its address or name."""
    if token.kind is Kind.USER:
        return "@" + token.target
    if token.kind is Kind.CHANNEL:
        return "#" + (token.label.lstrip("#") or token.target)
    if token.kind is Kind.SPECIAL:
        return token.label or "@" + token.name
    return token.label or token.target
