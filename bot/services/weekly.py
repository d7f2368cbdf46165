"""Once-a-week work: each person's story prompt and each workspace's digest. Rows are
created idempotently for the current week (unique per kind, workspace, week and
recipient), so restarts and replicas agree on exactly one of each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.store import due
from bot.store import weekly as queries
from bot.store.db import Store
from bot.store.models import Story, Workspace

from .cadence import zone_or_default
from .stories import shared_in_week, stories_for_digest, week_bounds, week_of, week_start

DIGEST = "digest"
PROMPT = "prompt"
PROMPT_PLAN = "prompt_plan"
EVERYONE = "*"
LATE_AFTER = timedelta(minutes=15)
PROMPT_STALE_AFTER = timedelta(hours=3)


@dataclass(frozen=True)
class WeeklySetup:
    team_id: str
    zone: ZoneInfo
    team_channel: str
    recognition_channel: str
    notify_recognised: bool


@dataclass(frozen=True)
class RelationshipPicture:
    deals_closed: int
    checkins_sent: int
    checkins_done: int
    needed_help: list[tuple[str, str]]


@dataclass(frozen=True)
class Digest:
    week: str
    stories: Sequence[Story]
    picture: RelationshipPicture
    late: bool


def setup_for(workspace: Workspace, settings: Settings) -> WeeklySetup:
    notify = workspace.notify_recognised
    return WeeklySetup(
        team_id=workspace.team_id,
        zone=zone_or_default(settings.default_timezone),
        team_channel=workspace.team_channel or settings.team_channel,
        recognition_channel=workspace.recognition_channel or settings.recognition_channel,
        notify_recognised=settings.notify_recognised if notify is None else notify,
    )


def setup_of(store: Store, team_id: str, settings: Settings) -> WeeklySetup:
    with store.session() as session:
        workspace = session.get(Workspace, team_id) or Workspace(team_id=team_id)
        return setup_for(workspace, settings)


def on_weekday(week: str, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """That week's `weekday` at `at`, local to `zone`."""
    return datetime.combine(week_start(week) + timedelta(days=weekday), at, zone)


def ensure_this_week(store: Store, clock: Clock, settings: Settings) -> None:
    """Make sure this week's digest and prompt planning exist for every workspace."""
    now = clock.now()
    with store.session() as session:
        for workspace in queries.workspaces(session):
            setup = setup_for(workspace, settings)
            week = week_of(now, setup.zone)
            if setup.recognition_channel:
                due_at = on_weekday(week, settings.digest_weekday, settings.digest_time, setup.zone)
                due.add_once(session, DIGEST, setup.team_id, week, EVERYONE, due_at, now)
            if setup.team_channel:
                due.add_once(session, PROMPT_PLAN, setup.team_id, week, EVERYONE, now, now)


def plan_prompts(
    store: Store,
    clock: Clock,
    team_id: str,
    week: str,
    people: Sequence[tuple[str, ZoneInfo]],
    settings: Settings,
) -> int:
    """A prompt for each person at the prompt day and time in their own zone. Someone
    whose time passed hours ago (the bot was away) waits for next week."""
    now = clock.now()
    planned = 0
    with store.session() as session:
        for user_id, zone in people:
            due_at = on_weekday(week, settings.prompt_weekday, settings.prompt_time, zone)
            if now - due_at > PROMPT_STALE_AFTER:
                continue
            created = due.add_once(session, PROMPT, team_id, week, user_id, due_at, now)
            planned += created is not None
    return planned


def skip_prompt_reason(
    store: Store, team_id: str, user_id: str, week: str, away: bool
) -> str | None:
    """Why a person's prompt should not go out this week, if it shouldn't."""
    with store.session() as session:
        if queries.prompts_paused(session, team_id, user_id):
            return "paused prompts"
    if away:
        return "away"
    if shared_in_week(store, team_id, user_id, week):
        return "already shared this week"
    return None


def compose_digest(
    store: Store, team_id: str, week: str, zone: ZoneInfo, now: datetime, scheduled: datetime
) -> Digest:
    """Everything the week's post needs, in a fixed number of queries."""
    start, end = week_bounds(week, zone)
    with store.session() as session:
        sent, done = queries.checkins_sent_and_done(session, team_id, start, end)
        picture = RelationshipPicture(
            deals_closed=queries.deals_closed(session, team_id, start, end),
            checkins_sent=sent,
            checkins_done=done,
            needed_help=queries.customers_needing_help(session, team_id, start, end),
        )
    stories = stories_for_digest(store, team_id, week)
    return Digest(week, stories, picture, late=now - scheduled > LATE_AFTER)
