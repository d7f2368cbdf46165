"""The rules for check-ins: planning them for a deal, what each button does, and each
step the dispatcher takes (send, remind once, mark missed). Slack-free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.store import checkins as queries
from bot.store.db import Store
from bot.store.models import CheckIn, CheckInStatus, Deal, Outcome, Workspace

from .cadence import WorkingHours, add_working_days, plan_checkins

ANSWER_WITHIN_WORKING_DAYS = 2
CLAIM_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
NOTE_LIMIT = 2000


@dataclass(frozen=True)
class CheckinPolicy:
    cadence_days: tuple[int, ...]
    hour: int
    holidays: tuple[date, ...]

    def hours(self, zone: ZoneInfo) -> WorkingHours:
        return WorkingHours(zone, self.hour, frozenset(self.holidays))


@dataclass(frozen=True)
class Step:
    """A claimed check-in with its deal, ready for the dispatcher to act on."""

    checkin: CheckIn
    deal: Deal


def policy_for(store: Store, team_id: str, settings: Settings) -> CheckinPolicy:
    """The workspace's own cadence, hour and holidays, else the environment's."""
    with store.session() as session:
        workspace = session.get(Workspace, team_id)
    cadence = tuple(workspace.checkin_cadence_days or ()) if workspace else ()
    hour = workspace.checkin_hour if workspace else None
    holidays = tuple(date.fromisoformat(d) for d in (workspace.holidays or ())) if workspace else ()
    return CheckinPolicy(
        cadence_days=cadence or settings.checkin_cadence_days,
        hour=settings.checkin_hour if hour is None else hour,
        holidays=holidays or settings.holidays,
    )


def plan_for_deal(
    store: Store, clock: Clock, deal_id: int, zone: ZoneInfo, policy: CheckinPolicy
) -> list[CheckIn]:
    """Plan a deal's check-ins once; a deal that has them already keeps them."""
    now = clock.now()
    with store.session() as session:
        deal = session.get(Deal, deal_id)
        if deal is None or not deal.is_active or not deal.owner_id:
            return []
        if queries.checkins_for_deal(session, deal_id):
            return list(queries.open_checkins(session, deal_id))
        times = plan_checkins(deal.closed_at, policy.cadence_days, policy.hours(zone))
        planned = [
            CheckIn(
                team_id=deal.team_id,
                deal_id=deal.id,
                stage=stage,
                offset_days=offset,
                recipient_id=deal.owner_id,
                status=CheckInStatus.PLANNED.value,
                due_at=due,
                attempts=0,
                created_at=now,
                updated_at=now,
            )
            for stage, (offset, due) in enumerate(
                zip(sorted(policy.cadence_days), times, strict=True)
            )
            if due > now
        ]
        session.add_all(planned)
        return planned


def open_for_deal(store: Store, deal_id: int) -> list[CheckIn]:
    with store.session() as session:
        return list(queries.open_checkins(session, deal_id))


def cancel_for_deal(session: Session, deal_id: int, now: datetime) -> int:
    return queries.cancel_open(session, deal_id, now)


def reassign(session: Session, deal: Deal, owner_id: str, now: datetime) -> None:
    """The deal has a new owner: every check-in still to come goes to them."""
    deal.owner_id, deal.owner_name, deal.updated_at = owner_id, None, now
    for checkin in queries.open_checkins(session, deal.id):
        checkin.recipient_id = owner_id
        checkin.updated_at = now


# -- what the buttons do --------------------------------------------------------------


def _open_checkin(session: Session, checkin_id: int, team_id: str) -> CheckIn | None:
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None or checkin.team_id != team_id or not checkin.is_open:
        return None
    return checkin


def _answerable(session: Session, checkin_id: int, team_id: str) -> CheckIn | None:
    """A check-in whose DM is out and still waiting for an answer (missed ones may
    still be logged: late is better than never)."""
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None or checkin.team_id != team_id:
        return None
    waiting = (CheckInStatus.SENT, CheckInStatus.REMINDED, CheckInStatus.MISSED)
    return checkin if checkin.status in waiting else None


def find_answerable(store: Store, checkin_id: int, team_id: str) -> Step | None:
    with store.session() as session:
        checkin = _answerable(session, checkin_id, team_id)
        return Step(checkin, session.get_one(Deal, checkin.deal_id)) if checkin else None


def log_outcome(
    store: Store,
    clock: Clock,
    checkin_id: int,
    team_id: str,
    user_id: str,
    outcome: Outcome,
    note: str | None,
) -> Step | None:
    """Record how the customer feels. None when the check-in was already dealt with."""
    now = clock.now()
    with store.session() as session:
        checkin = _answerable(session, checkin_id, team_id)
        if checkin is None:
            return None
        checkin.status = CheckInStatus.DONE.value
        checkin.outcome = outcome.value
        checkin.note = (note or "").strip()[:NOTE_LIMIT] or None
        checkin.logged_by = user_id
        checkin.logged_at = now
        checkin.due_at = None
        checkin.updated_at = now
        return Step(checkin, session.get_one(Deal, checkin.deal_id))


def snooze(
    store: Store, clock: Clock, checkin_id: int, team_id: str, until: datetime
) -> Step | None:
    """Send this check-in again at `until`, as a fresh DM."""
    with store.session() as session:
        checkin = _answerable(session, checkin_id, team_id)
        if checkin is None:
            return None
        _replan(checkin, until, clock.now())
        return Step(checkin, session.get_one(Deal, checkin.deal_id))


def hand_off(
    store: Store, clock: Clock, checkin_id: int, team_id: str, to_user: str, due: datetime
) -> Step | None:
    """A teammate takes the customer on: this check-in and every later one go to them."""
    now = clock.now()
    with store.session() as session:
        checkin = _answerable(session, checkin_id, team_id)
        if checkin is None:
            return None
        deal = session.get_one(Deal, checkin.deal_id)
        reassign(session, deal, to_user, now)
        checkin.recipient_id = to_user
        _replan(checkin, due, now)
        return Step(checkin, deal)


def hand_off_problem(from_user: str, to_user: str, to_user_reachable: bool) -> str | None:
    """Why a hand-off can't go to this person, if it can't."""
    if not to_user:
        return "Pick a teammate."
    if to_user == from_user:
        return "Pick someone other than yourself."
    if not to_user_reachable:
        return "Pick a person who is active in this workspace, not a bot."
    return None


def stop_for_customer(store: Store, clock: Clock, checkin_id: int, team_id: str) -> Step | None:
    """No more check-ins for this deal's customer."""
    now = clock.now()
    with store.session() as session:
        checkin = _answerable(session, checkin_id, team_id)
        if checkin is None:
            return None
        cancel_for_deal(session, checkin.deal_id, now)
        checkin.status = CheckInStatus.CANCELLED.value
        checkin.due_at = None
        checkin.updated_at = now
        return Step(checkin, session.get_one(Deal, checkin.deal_id))


def _replan(checkin: CheckIn, due: datetime, now: datetime) -> None:
    checkin.status = CheckInStatus.PLANNED.value
    checkin.due_at = due
    checkin.send_key = None
    checkin.attempts = 0
    checkin.claimed_until = None
    checkin.updated_at = now


# -- what the dispatcher does -----------------------------------------------------------


def claim_due(store: Store, clock: Clock, limit: int = 50) -> list[int]:
    with store.session() as session:
        return queries.claim_due(session, clock.now(), CLAIM_LEASE, limit)


def claimed_step(store: Store, checkin_id: int) -> Step | None:
    with store.session() as session:
        checkin = session.get(CheckIn, checkin_id)
        if checkin is None or not checkin.is_open:
            return None
        return Step(checkin, session.get_one(Deal, checkin.deal_id))


def mark_sent(
    store: Store, checkin_id: int, channel: str, ts: str, now: datetime, hours: WorkingHours
) -> None:
    with store.session() as session:
        checkin = session.get_one(CheckIn, checkin_id)
        checkin.status = CheckInStatus.SENT.value
        checkin.dm_channel, checkin.message_ts = channel, ts
        checkin.sent_at = now
        checkin.due_at = add_working_days(now, ANSWER_WITHIN_WORKING_DAYS, hours)
        checkin.attempts = 0
        _release(checkin, now)


def mark_reminded(store: Store, checkin_id: int, now: datetime, hours: WorkingHours) -> None:
    with store.session() as session:
        checkin = session.get_one(CheckIn, checkin_id)
        checkin.status = CheckInStatus.REMINDED.value
        checkin.reminded_at = now
        checkin.due_at = add_working_days(now, ANSWER_WITHIN_WORKING_DAYS, hours)
        checkin.attempts = 0
        _release(checkin, now)


def mark_missed(store: Store, checkin_id: int, now: datetime) -> None:
    _close(store, checkin_id, CheckInStatus.MISSED, now, None)


def postpone(store: Store, checkin_id: int, until: datetime, now: datetime, why: str) -> None:
    """Not now (the recipient is away): same step, later, without counting an attempt."""
    with store.session() as session:
        checkin = session.get_one(CheckIn, checkin_id)
        checkin.due_at = until
        checkin.attempts = max(0, checkin.attempts - 1)
        checkin.last_error = why[:200]
        _release(checkin, now)


def retry_later(store: Store, checkin_id: int, now: datetime, wait: timedelta, why: str) -> None:
    """Sending failed; try again after `wait`, or give up after too many attempts."""
    with store.session() as session:
        checkin = session.get_one(CheckIn, checkin_id)
        checkin.last_error = why[:200]
        if checkin.attempts >= MAX_ATTEMPTS:
            checkin.status = CheckInStatus.MISSED.value
            checkin.due_at = None
        else:
            checkin.due_at = now + wait
        _release(checkin, now)


def give_up(store: Store, checkin_id: int, now: datetime, why: str) -> None:
    """The recipient can't be reached at all (left the workspace, say)."""
    _close(store, checkin_id, CheckInStatus.CANCELLED, now, why)


def _close(
    store: Store, checkin_id: int, status: CheckInStatus, now: datetime, why: str | None
) -> None:
    """Nothing more is due for this check-in."""
    with store.session() as session:
        checkin = session.get_one(CheckIn, checkin_id)
        checkin.status = status.value
        checkin.due_at = None
        if why:
            checkin.last_error = why[:200]
        _release(checkin, now)


def _release(checkin: CheckIn, now: datetime) -> None:
    checkin.claimed_until = None
    checkin.updated_at = now


def retry_wait(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … up to an hour between failed attempts."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))
