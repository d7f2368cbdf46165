"""Retention: a workspace that keeps check-in notes and stories for N months has older
ones deleted each day, as due work (one row a day per workspace, so replicas and
restarts agree on one run), and says so in its audit trail. Deals, check-ins and their
outcomes are kept: the team's picture of each relationship stays, the words go."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.store import audit, due
from bot.store import retention as queries
from bot.store import workspaces as workspace_queries
from bot.store.db import Store
from bot.store.models import BY_SERVE, AuditKind

from .cadence import zone_or_default
from .workspaces import effective

FORGET_OLD = "retention"
EVERYONE = "*"


@dataclass(frozen=True)
class Deleted:
    months: int
    notes: int
    stories: int


def months_before(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months earlier; a day the month lacks becomes
    its last (31 March less one month is 28 or 29 February)."""
    counted = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(counted, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last))


def ensure_today(store: Store, clock: Clock, settings: Settings) -> None:
    """Today's deletion exists for every installed workspace that keeps notes and
    stories for a time. Once it does, as on nearly every tick, this only reads."""
    now = clock.now()
    with store.reading() as session:
        if not _unplanned(session, settings, now):
            return
    with store.session() as session:
        for team_id, today in _wanted(session, settings, now):
            due.add_once(session, FORGET_OLD, team_id, today, EVERYONE, now, now)


def forget_old(store: Store, clock: Clock, team_id: str, months: int) -> Deleted:
    """Empty the notes logged, and delete the stories shared, before now less `months`
    months: one unit of work, its audit entry in it (when anything went)."""
    now = clock.now()
    before = months_before(now, months)
    with store.session() as session:
        notes = queries.forget_old_notes(session, team_id, before, now)
        stories = queries.delete_old_stories(session, team_id, before)
        deleted = Deleted(months, notes, stories)
        if notes or stories:
            change = {"months": months, "notes": notes, "stories": stories}
            audit.record(session, team_id, now, BY_SERVE, AuditKind.RETENTION, change)
    return deleted


def _wanted(session: Session, settings: Settings, now: datetime) -> list[tuple[str, str]]:
    """(workspace, its local today) for each installed workspace with a retention."""
    wanted = []
    for workspace in workspace_queries.installed_workspaces(session):
        chosen = effective(workspace, settings)
        if chosen.retention_months:
            today = now.astimezone(zone_or_default(chosen.default_timezone)).date()
            wanted.append((workspace.team_id, today.isoformat()))
    return wanted


def _unplanned(session: Session, settings: Settings, now: datetime) -> bool:
    for team_id, today in _wanted(session, settings, now):
        if not due.kinds_for_period(session, team_id, today, {FORGET_OLD}):
            return True
    return False
