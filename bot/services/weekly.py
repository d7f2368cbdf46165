"""Once-a-week work: each person's story prompt and each workspace's digest. Rows are
created idempotently for the current week (unique per kind, workspace, week and
recipient), so restarts and replicas agree on exactly one of each."""

from __future__ import annotations

import enum
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.store import due
from bot.store import stories as story_queries
from bot.store import weekly as queries
from bot.store import workspaces as workspace_queries
from bot.store.db import Store
from bot.store.models import Outcome, Story

from . import attention, workspaces
from .cadence import zone_or_default
from .stories import on_weekday, stories_for_digest, week_bounds, week_of, week_start
from .workspaces import effective

DIGEST = workspaces.DIGEST
PROMPT = "prompt"
PROMPT_PLAN = "prompt_plan"
EVERYONE = "*"
LATE_AFTER = timedelta(minutes=15)
PROMPT_STALE_AFTER = timedelta(hours=3)
HISTORY_WEEKS = 12
# A chart needs two complete weeks of data before the week being reported, which is still
# under way: fewer points than that draw no trend, only noise.
COMPLETE_WEEKS_FOR_A_CHART = 2


def zone_of(chosen: Settings) -> ZoneInfo:
    """The workspace's own time zone: its weeks, its digest."""
    return zone_or_default(chosen.default_timezone)


def digest_due(chosen: Settings, week: str) -> datetime:
    return on_weekday(week, chosen.digest_weekday, chosen.digest_time, zone_of(chosen))


def prompt_due(chosen: Settings, week: str, zone: ZoneInfo) -> datetime:
    """A person's prompt, at the prompt day and time in their own zone."""
    return on_weekday(week, chosen.prompt_weekday, chosen.prompt_time, zone)


@dataclass(frozen=True)
class RelationshipPicture:
    deals_closed: int
    checkins_sent: int
    checkins_done: int
    needed_help: list[tuple[str, str]]


@dataclass(frozen=True)
class WeekFigures:
    """One week of the picture for leads, as the chart and table show it."""

    week: str
    deals_closed: int = 0
    checkins_due: int = 0  # check-ins whose DM went out that week
    checkins_answered: int = 0  # of those, how many were logged
    satisfied: int = 0  # answers logged that week, by how the customer felt
    neutral: int = 0
    needs_help: int = 0
    helped: int = 0  # needs-help answers someone stepped in on

    @property
    def has_data(self) -> bool:
        return any(getattr(self, name) for name in FIGURES)


FIGURES = tuple(f.name for f in fields(WeekFigures) if f.name != "week")


class NoChart(enum.StrEnum):
    """Why a digest or Home carries no chart; the views say it in words."""

    TOO_LITTLE_DATA = "too_little_data"
    NO_SCOPE = "no_scope"  # the install lacks files:write
    UPLOAD_FAILED = "upload_failed"


@dataclass(frozen=True)
class History:
    """The last weeks, oldest first, ending with the week reported."""

    weeks: list[WeekFigures]

    @property
    def this_week(self) -> WeekFigures:
        return self.weeks[-1]

    @property
    def with_data(self) -> list[WeekFigures]:
        """The weeks from the first that has any figure on: quiet weeks after that count
        (a quiet week is news), the empty weeks before the workspace began do not."""
        first = next((n for n, w in enumerate(self.weeks) if w.has_data), len(self.weeks))
        return self.weeks[first:]

    @property
    def complete_weeks(self) -> int:
        """Weeks of data before the one reported, which is still under way."""
        return max(0, len(self.with_data) - 1)

    @property
    def chartable(self) -> bool:
        return self.complete_weeks >= COMPLETE_WEEKS_FOR_A_CHART

    def median(self, figure: str) -> float:
        """The figure's median over the weeks with data; 0 when there are none."""
        values = [getattr(w, figure) for w in self.with_data]
        return float(statistics.median(values)) if values else 0.0


@dataclass(frozen=True)
class Digest:
    week: str
    stories: Sequence[Story]
    picture: RelationshipPicture
    late: bool
    history: History | None = None


def history_weeks(week: str, count: int = HISTORY_WEEKS) -> list[str]:
    """The `count` ISO weeks ending with `week`, oldest first."""
    monday = week_start(week)
    days = [monday - timedelta(weeks=back) for back in range(count - 1, -1, -1)]
    return [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in days]


def history(
    store: Store, team_id: str, week: str, zone: ZoneInfo, count: int = HISTORY_WEEKS
) -> History:
    """The last `count` weeks' figures, in three queries whatever the workspace's size:
    each groups by week in the database."""
    weeks = history_weeks(week, count)
    bounds = [week_bounds(w, zone)[0] for w in weeks] + [week_bounds(weeks[-1], zone)[1]]
    with store.reading() as session:
        deals = queries.deals_closed_by_week(session, team_id, bounds)
        checkins = queries.checkins_by_week(session, team_id, bounds)
        felt = queries.feelings_by_week(session, team_id, bounds)
    figures = []
    for n, name in enumerate(weeks):
        due, answered = checkins.get(n, (0, 0))
        counts = felt.get(n, {})
        figures.append(
            WeekFigures(
                week=name,
                deals_closed=deals.get(n, 0),
                checkins_due=due,
                checkins_answered=answered,
                satisfied=counts.get(Outcome.SATISFIED.value, 0),
                neutral=counts.get(Outcome.NEUTRAL.value, 0),
                needs_help=counts.get(Outcome.NEEDS_HELP.value, 0),
                helped=counts.get("helped", 0),
            )
        )
    return History(figures)


def ensure_this_week(store: Store, clock: Clock, settings: Settings) -> None:
    """Make sure this week's digest and prompt planning exist for every workspace. Once
    they do, as on nearly every tick, this only reads."""
    now = clock.now()
    with store.reading() as session:
        if not _week_unplanned(session, settings, now):
            return
    with store.session() as session:
        for workspace in workspace_queries.installed_workspaces(session):
            chosen, team_id = effective(workspace, settings), workspace.team_id
            week = week_of(now, zone_of(chosen))
            if chosen.recognition_channel:
                due_at = digest_due(chosen, week)
                due.add_once(session, DIGEST, team_id, week, EVERYONE, due_at, now)
            if chosen.team_channel:
                due.add_once(session, PROMPT_PLAN, team_id, week, EVERYONE, now, now)


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
    chosen = workspaces.settings_for(store, team_id, settings)
    with store.session() as session:
        for user_id, zone in people:
            due_at = prompt_due(chosen, week, zone)
            if now - due_at > PROMPT_STALE_AFTER:
                continue
            created = due.add_once(session, PROMPT, team_id, week, user_id, due_at, now)
            planned += created is not None
    return planned


def _week_unplanned(session: Session, settings: Settings, now: datetime) -> bool:
    """Whether a workspace lacks this week's digest or prompt planning."""
    for workspace in workspace_queries.installed_workspaces(session):
        chosen = effective(workspace, settings)
        week = week_of(now, zone_of(chosen))
        wanted = {DIGEST} if chosen.recognition_channel else set()
        wanted |= {PROMPT_PLAN} if chosen.team_channel else set()
        if wanted and wanted - due.kinds_for_period(session, workspace.team_id, week, wanted):
            return True
    return False


def take_prompt(
    store: Store,
    clock: Clock,
    env: Settings,
    person: tuple[str, str],
    send: tuple[str, str, str],
    zone: ZoneInfo,
) -> str | None:
    """`taking_prompt` in a unit of work of its own."""
    with store.session() as session:
        return taking_prompt(session, clock, env, person, send, zone)


def taking_prompt(
    session: Session,
    clock: Clock,
    env: Settings,
    person: tuple[str, str],
    send: tuple[str, str, str],
    zone: ZoneInfo,
) -> str | None:
    """Why a person's (team, user) prompt should not go out this week (`send`: kind,
    send key, week), if it shouldn't; else their week's message is taken for it. In one
    unit of work that holds the person, so no other send for them overruns the week."""
    team_id, user_id = person
    kind, send_key, week = send
    now = clock.now()
    today = now.astimezone(zone).date()
    member = attention.hold_person(session, team_id, user_id, now)
    if member.paused_on(today):
        return "paused prompts"
    chosen = effective(workspace_queries.workspace(session, team_id), env)
    if today in chosen.holidays:
        return "a holiday"
    if story_queries.count_shared_by(session, team_id, user_id, week):
        return "already shared this week"
    budget = chosen.max_messages_per_week
    if not attention.reserve(
        session, team_id, user_id, (kind, send_key), now, zone, budget, held=True
    ):
        return "already had this week's messages"
    return None


def compose_digest(
    store: Store, team_id: str, week: str, zone: ZoneInfo, now: datetime, scheduled: datetime
) -> Digest:
    """Everything the week's post needs, in a fixed number of queries."""
    start, end = week_bounds(week, zone)
    with store.reading() as session:
        sent, done = queries.checkins_sent_and_done(session, team_id, start, end)
        picture = RelationshipPicture(
            deals_closed=queries.deals_closed(session, team_id, start, end),
            checkins_sent=sent,
            checkins_done=done,
            needed_help=queries.customers_needing_help(session, team_id, start, end),
        )
    stories = stories_for_digest(store, team_id, week)
    late = now - scheduled > LATE_AFTER
    return Digest(week, stories, picture, late, history(store, team_id, week, zone))
