"""The rules for check-ins: planning them for a deal, what each button does, and each
step of due work (send, remind once, mark missed). Slack-free. Every entry point is one
unit of work: one transaction that re-checks the state it depends on."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.store import checkins as queries
from bot.store import due, people
from bot.store.db import Store
from bot.store.models import CheckIn, CheckInStatus, Deal, HandOff, Member, Outcome, Workspace

from . import attention
from .cadence import (
    WorkingHours,
    back_from_pause,
    plan_checkins,
    when_to_nudge,
    zone_or_default,
)
from .workspaces import effective

SEND, REMIND, MISS = "checkin_send", "checkin_remind", "checkin_miss"
STORY_OFFER = "story_offer"  # a week after someone stepped in: offer it as a story
STORY_OFFER_AFTER = timedelta(days=7)
STEPS = (SEND, REMIND, MISS)
WAITING_FOR = {
    SEND: CheckInStatus.PLANNED,
    REMIND: CheckInStatus.SENT,
    MISS: CheckInStatus.REMINDED,
}
ANSWER_WITHIN_WORKING_DAYS = 2
GATHER_WITHIN = timedelta(days=3)  # a person's check-ins due this close go out as one DM
GATHER_MOST = 10  # customers in one DM, to stay well within Slack's 50 blocks
NOTE_LIMIT = 2000
ANSWERABLE = (CheckInStatus.SENT, CheckInStatus.REMINDED, CheckInStatus.MISSED)
WAITING_FOR_AN_ANSWER = (CheckInStatus.SENT, CheckInStatus.REMINDED)


def hours_for(chosen: Settings, tz: str | None) -> WorkingHours:
    """A person's working hours: their Slack time zone (else the workspace's), the
    workspace's nudge hour and holidays. The one place these come together."""
    zone = zone_or_default(tz, chosen.default_timezone)
    return WorkingHours(zone, chosen.checkin_hour, frozenset(chosen.holidays))


@dataclass(frozen=True)
class Step:
    """A check-in with its deal, workspace and recipient's preferences, read at once."""

    checkin: CheckIn
    deal: Deal
    workspace: Workspace | None
    member: Member | None = None

    def chosen(self, env: Settings) -> Settings:
        """The settings the check-in's workspace runs by."""
        return effective(self.workspace, env)


class HandOffProblem(StrEnum):
    NOBODY = "nobody"
    YOURSELF = "yourself"
    NOT_A_PERSON = "not_a_person"


# -- planning --------------------------------------------------------------------------


def plan(
    session: Session,
    deal: Deal,
    chosen: Settings,
    tz: str | None,
    now: datetime,
    overdue_after: datetime | None = None,
) -> list[CheckIn]:
    """Give an active, owned deal a check-in for each stage still to come, within the
    caller's unit of work. Stages it has already are kept; ones cancelled with the deal
    come back if their time is still ahead; an owner who said stop is not asked again.
    A new stage whose time passed after `overdue_after` is due now. Returns the deal's
    open check-ins. A deal recorded in this unit of work is planned by `plan_new`."""
    if not deal.is_active or not deal.owner_id:
        return []
    existing = {c.stage: c for c in queries.checkins_for_deal(session, deal.id)}
    if any(c.status == CheckInStatus.STOPPED for c in existing.values()):
        return list(queries.open_checkins(session, deal.id))
    offsets = sorted(chosen.checkin_cadence_days)
    times = plan_checkins(deal.closed_at, offsets, hours_for(chosen, tz))
    planned: list[tuple[CheckIn, datetime]] = []
    for stage, (offset, at) in enumerate(zip(offsets, times, strict=True)):
        checkin = existing.get(stage)
        when = at if checkin is None else _revived_at(checkin)
        overdue = checkin is None and overdue_after is not None and at > overdue_after
        if when is None or (when <= now and not overdue):
            continue
        if checkin is None:
            checkin = CheckIn(
                team_id=deal.team_id,
                deal_id=deal.id,
                stage=stage,
                offset_days=offset,
                recipient_id=deal.owner_id,
                status=CheckInStatus.PLANNED.value,
                created_at=now,
                updated_at=now,
            )
            queries.add_checkin(session, checkin)
        checkin.recipient_id = deal.owner_id
        planned.append((checkin, max(when, now)))
    fresh = {id(checkin) for checkin, _ in planned if checkin.id is None}
    if fresh:
        session.flush()  # the new check-ins get their ids together
    for checkin, when in planned:
        _schedule(session, checkin, SEND, when, now, waited_for=id(checkin) not in fresh)
    return list(queries.open_checkins(session, deal.id))


Queued = list[tuple[str, datetime, int | None]]  # due work to add: kind, due at, subject


def plan_new(
    session: Session,
    deal: Deal,
    chosen: Settings,
    tz: str | None,
    now: datetime,
    overdue_after: datetime | None = None,
) -> tuple[list[CheckIn], Queued]:
    """`plan` for a deal recorded in this unit of work, and the due work that sends its
    check-ins, for the caller to add with its own: the deal has no check-ins yet, so
    they are written in one statement, and their sends with the caller's in one more
    (a deal post's hot path). Each is planned as `_schedule` would plan it."""
    if not deal.is_active or not deal.owner_id:
        return [], []
    offsets = sorted(chosen.checkin_cadence_days)
    times = plan_checkins(deal.closed_at, offsets, hours_for(chosen, tz))
    rows = []
    for stage, (offset, at) in enumerate(zip(offsets, times, strict=True)):
        overdue = overdue_after is not None and at > overdue_after
        if at <= now and not overdue:
            continue
        rows.append(
            {
                "team_id": deal.team_id,
                "deal_id": deal.id,
                "stage": stage,
                "offset_days": offset,
                "recipient_id": deal.owner_id,
                "status": CheckInStatus.PLANNED.value,
                "due_at": max(at, now),
                "sent_with": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    planned = queries.add_new_checkins(session, rows)
    sends: Queued = [(SEND, checkin.due_at or now, checkin.id) for checkin in planned]
    return planned, sends


def _revived_at(checkin: CheckIn) -> datetime | None:
    """When a check-in cancelled with its deal goes out if the deal comes back: its own
    time (if that is still ahead, the caller checks)."""
    return checkin.due_at if checkin.status == CheckInStatus.CANCELLED else None


def open_for_deal(store: Store, deal_id: int) -> list[CheckIn]:
    with store.reading() as session:
        return list(queries.open_checkins(session, deal_id))


def cancel_for_deal(session: Session, deal_id: int, now: datetime) -> None:
    """The deal is gone: its open check-ins are cancelled, and their due work with them."""
    _close_all(session, deal_id, CheckInStatus.CANCELLED, now)


def reassign(session: Session, deal: Deal, owner_id: str, now: datetime) -> None:
    """The deal has a new owner: every check-in still to come goes to them, and the
    hand-off goes into the customer's timeline."""
    if deal.owner_id != owner_id:
        queries.add_hand_off(
            session,
            HandOff(
                team_id=deal.team_id,
                deal_id=deal.id,
                from_user=deal.owner_id,
                to_user=owner_id,
                at=now,
            ),
        )
    deal.owner_id, deal.owner_name, deal.updated_at = owner_id, None, now
    for checkin in queries.open_checkins(session, deal.id):
        checkin.recipient_id = owner_id
        checkin.updated_at = now


@dataclass(frozen=True)
class MyCheckins:
    """A person's check-ins: DMs out and waiting for an answer, then those to come."""

    waiting: list[Step]
    upcoming: list[Step]
    waiting_total: int
    upcoming_total: int


def mine(store: Store, team_id: str, user_id: str, limit: int) -> MyCheckins:
    with store.reading() as session:
        waiting = queries.for_recipient(session, team_id, user_id, WAITING_FOR_AN_ANSWER)
        upcoming = queries.for_recipient(session, team_id, user_id, (CheckInStatus.PLANNED,))
    return MyCheckins(
        [Step(c, d, None) for c, d in waiting[:limit]],
        [Step(c, d, None) for c, d in upcoming[:limit]],
        len(waiting),
        len(upcoming),
    )


# -- what the buttons do ----------------------------------------------------------------


def find_answerable(store: Store, checkin_id: int, team_id: str) -> Step | None:
    with store.reading() as session:
        return _answerable(session, checkin_id, team_id)


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
        step = _answerable(session, checkin_id, team_id, lock=True)
        if step is None:
            return None
        checkin = step.checkin
        _close(session, checkin, CheckInStatus.DONE, now)
        checkin.outcome = outcome.value
        checkin.note = (note or "").strip()[:NOTE_LIMIT] or None
        checkin.logged_by = user_id
        checkin.logged_at = now
        return step


def snooze(
    store: Store, clock: Clock, checkin_id: int, team_id: str, until: datetime
) -> Step | None:
    """Send this check-in again at `until`, as a fresh DM."""
    with store.session() as session:
        step = _answerable(session, checkin_id, team_id, lock=True)
        if step is None or not step.deal.is_active:
            return None
        _schedule(session, step.checkin, SEND, until, clock.now())
        return step


def hand_off(
    store: Store, clock: Clock, checkin_id: int, team_id: str, to_user: str, due_at: datetime
) -> Step | None:
    """A teammate takes the customer on: this check-in and every later one go to them."""
    now = clock.now()
    with store.session() as session:
        step = _answerable(session, checkin_id, team_id, lock=True)
        if step is None or not step.deal.is_active:
            return None
        reassign(session, step.deal, to_user, now)
        step.checkin.recipient_id = to_user
        _schedule(session, step.checkin, SEND, due_at, now)
        return step


def hand_off_problem(
    from_user: str, to_user: str, to_user_reachable: bool
) -> HandOffProblem | None:
    """Why a hand-off can't go to this person, if it can't."""
    if not to_user:
        return HandOffProblem.NOBODY
    if to_user == from_user:
        return HandOffProblem.YOURSELF
    if not to_user_reachable:
        return HandOffProblem.NOT_A_PERSON
    return None


def stop_for_customer(store: Store, clock: Clock, checkin_id: int, team_id: str) -> Step | None:
    """No more check-ins for this deal's customer."""
    now = clock.now()
    with store.session() as session:
        step = _answerable(session, checkin_id, team_id, lock=True)
        if step is None:
            return None
        _close_all(session, step.deal.id, CheckInStatus.STOPPED, now)
        _close(session, step.checkin, CheckInStatus.STOPPED, now)
        return step


# -- a customer who needs help ----------------------------------------------------------------


@dataclass(frozen=True)
class HelpOffer:
    step: Step
    first: bool  # False: someone else had already stepped in


def ask_team(
    store: Store, clock: Clock, checkin_id: int, team_id: str, user_id: str
) -> Step | None:
    """The owner asks the team for a hand with a customer who needs help: once per
    check-in. None when it can't be asked (again)."""
    with store.session() as session:
        row = queries.with_deal_and_workspace(session, checkin_id, lock=True)
        if row is None:
            return None
        checkin = row[0]
        if (
            checkin.team_id != team_id
            or checkin.outcome != Outcome.NEEDS_HELP
            or checkin.logged_by != user_id
            or checkin.help_asked_at is not None
        ):
            return None
        checkin.help_asked_at = checkin.updated_at = clock.now()
        return Step(*row)


def record_help_post(store: Store, checkin_id: int, channel: str, ts: str) -> None:
    with store.session() as session:
        checkin = queries.existing_checkin(session, checkin_id)
        checkin.help_post_channel, checkin.help_post_ts = channel, ts


def offer_help(
    store: Store, clock: Clock, checkin_id: int, team_id: str, helper_id: str
) -> HelpOffer | None:
    """Someone answered the team's call. The first to do so is the helper; a week later
    the owner is offered the help as a story to share."""
    now = clock.now()
    with store.session() as session:
        row = queries.with_deal_and_workspace(session, checkin_id, lock=True)
        if row is None or row[0].team_id != team_id or row[0].help_asked_at is None:
            return None
        checkin = row[0]
        first = checkin.helper_id is None
        if first:
            checkin.helper_id, checkin.helped_at, checkin.updated_at = helper_id, now, now
            due.add(session, STORY_OFFER, team_id, now + STORY_OFFER_AFTER, now, checkin.id)
        return HelpOffer(Step(*row), first)


def helped(store: Store, checkin_id: int) -> Step | None:
    """A check-in whose customer someone stepped in to help."""
    with store.reading() as session:
        row = queries.with_deal_and_workspace(session, checkin_id)
        return Step(*row) if row and row[0].helper_id else None


# -- the steps of due work ----------------------------------------------------------------


def step_to_take(store: Store, checkin_id: int, kind: str) -> Step | None:
    """The check-in, if it still waits for this step and its deal is active. A planned
    check-in gathered into another's DM is that DM's to send."""
    with store.reading() as session:
        row = queries.with_deal_and_workspace(session, checkin_id)
        if row is None:
            return None
        if row[0].status != WAITING_FOR[kind] or not row[1].is_active:
            return None
        if kind == SEND and row[0].sent_with not in (None, row[0].id):
            return None
        return Step(*row)


def _carried(
    session: Session, step: Step, first_attempt: bool, horizon: datetime
) -> list[tuple[CheckIn, Deal]]:
    """What the step's DM carries, its check-in read under its row lock in this unit of
    work. A later attempt carries what the first one did, no more, so a DM found
    already sent matches what is marked sent."""
    leader = step.checkin
    if leader.status != CheckInStatus.PLANNED.value:
        return []
    if leader.sent_with == leader.id:
        return queries.carried_by(session, leader.id)
    if leader.sent_with is not None:
        return []
    if not first_attempt:
        return [(leader, step.deal)]
    return queries.gather_for_dm(session, leader, step.deal, horizon, GATHER_MOST)


class Recipient(Protocol):
    """What the sending needs to know of a person: where they are and their status."""

    @property
    def tz(self) -> str | None: ...

    @property
    def profile(self) -> Mapping[str, Any]: ...


class NotKnown(Exception):
    """Whom the check-in is for is not known without asking Slack: ask, then take the
    step again (nothing was changed)."""

    def __init__(self, user_id: str) -> None:
        super().__init__(user_id)
        self.user_id = user_id


# The recipient as known now, None if Serve can't message them; raises NotKnown rather
# than ask Slack, as it is asked inside the unit of work.
Reach = Callable[[str], Recipient | None]


@dataclass(frozen=True)
class Sending:
    """A check-in's DM, its week's message taken: the check-ins it carries, soonest
    first, and its recipient's working hours."""

    step: Step
    carried: list[tuple[CheckIn, Deal]]
    hours: WorkingHours


def take_send(
    store: Store,
    clock: Clock,
    checkin_id: int,
    send: tuple[str, str, bool],
    env: Settings,
    reach: Reach,
) -> Sending | str:
    """`taking_send` in a unit of work of its own."""
    with store.session() as session:
        return taking_send(session, clock, checkin_id, send, env, reach)


def taking_send(
    session: Session,
    clock: Clock,
    checkin_id: int,
    send: tuple[str, str, bool],
    env: Settings,
    reach: Reach,
) -> Sending | str:
    """Everything before a check-in's DM goes, in one unit of work: the check-in read
    with its deal and workspace; whether it still waits to be sent and its recipient
    can hear from us now (else it is closed or moved to when they can, and why is
    returned); one of their messages this week taken (`send`: kind, send key, first
    attempt), else moved to their next week; the same person's other check-ins due
    soon gathered into it. The person is held throughout, so two sends for them never
    gather at once or overrun the week."""
    kind, send_key, first_attempt = send
    now = clock.now()
    member = people.hold_recipient(session, checkin_id, now)
    row = queries.step_row(session, checkin_id) if member is not None else None
    if row is None or member is None or not _waits_to_be_sent(row[0], row[1]):
        return "overtaken: the check-in moved on"
    checkin = row[0]
    if checkin.recipient_id != member.user_id:  # handed off as it was read
        member = attention.hold_person(session, checkin.team_id, checkin.recipient_id, now)
    step = Step(*row, member)
    person = reach(checkin.recipient_id)
    if person is None:
        _close(session, checkin, CheckInStatus.CANCELLED, now)
        _release(session, checkin.id, now)
        return "recipient is not reachable"
    chosen = step.chosen(env)
    hours = hours_for(chosen, person.tz)
    at = when_to_nudge(now, hours, person.profile)
    if member.paused_on(hours.local_date(now)):
        at = max(at, back_from_pause(member.paused_until, now, hours))
    if at > now:
        _schedule(session, checkin, SEND, at, now)
        return f"postponed to {at.isoformat()}"
    person_id = (checkin.team_id, checkin.recipient_id)
    budget = chosen.max_messages_per_week
    if not attention.reserve(
        session, *person_id, (kind, send_key), now, hours.zone, budget, held=True
    ):
        at = when_to_nudge(attention.next_week(now, hours.zone), hours, person.profile)
        _schedule(session, checkin, SEND, at, now)
        return f"postponed to {at.isoformat()}: the week's messages are spent"
    carried = _carried(session, step, first_attempt, now + GATHER_WITHIN)
    return Sending(step, carried, hours) if carried else "overtaken: the check-in moved on"


def _waits_to_be_sent(checkin: CheckIn, deal: Deal) -> bool:
    """Planned, for an active deal, and not gathered into another check-in's DM."""
    planned = checkin.status == CheckInStatus.PLANNED.value and deal.is_active
    return planned and checkin.sent_with in (None, checkin.id)


def record_sent(
    session: Session,
    now: datetime,
    checkin_ids: Sequence[int],
    where: tuple[str, str],
    remind_at: datetime,
) -> None:
    """`mark_sent` within the caller's unit of work: the one that ends the send's
    claim."""
    channel, ts = where
    for checkin_id in checkin_ids:
        team_id = queries.record_sent(session, checkin_id, channel, ts, now)
        if team_id is not None:
            due.add(session, REMIND, team_id, remind_at, now, subject_id=checkin_id)


def in_same_dm(store: Store, checkin: CheckIn) -> list[tuple[CheckIn, Deal]]:
    with store.reading() as session:
        return queries.in_same_dm(session, checkin)


def postpone(store: Store, clock: Clock, checkin_id: int, kind: str, until: datetime) -> None:
    """The recipient can't hear from us now: take this step when they can."""
    with store.session() as session:
        checkin = _waiting_for(session, checkin_id, kind)
        if checkin is not None:
            _schedule(session, checkin, kind, until, clock.now())


def mark_sent(
    store: Store,
    clock: Clock,
    checkin_ids: Sequence[int],
    where: tuple[str, str],
    remind_at: datetime,
) -> None:
    """The DM is out at `where` (channel, ts), carrying these check-ins: one reminder
    follows for each unless someone answers first. A check-in closed
    while its DM was on the way keeps its new state."""
    with store.session() as session:
        record_sent(session, clock.now(), checkin_ids, where, remind_at)


def mark_reminded(store: Store, clock: Clock, checkin_id: int, miss_at: datetime) -> None:
    """The reminder's time has come: posted, covered by another check-in's in the same
    DM, or left out because the week's budget was spent."""
    now = clock.now()
    with store.session() as session:
        checkin = _waiting_for(session, checkin_id, REMIND)
        if checkin is not None:
            checkin.status = CheckInStatus.REMINDED.value
            checkin.reminded_at = checkin.updated_at = now
            due.add(session, MISS, checkin.team_id, miss_at, now, subject_id=checkin.id)


def reserve_message(
    store: Store,
    clock: Clock,
    person: tuple[str, str],
    send: tuple[str, str],
    zone: ZoneInfo,
    budget: int,
) -> bool:
    """Take one of this person's (team, user) messages this week for a send (kind and
    send key), if there is room; the same send asking again is answered the same."""
    team_id, user_id = person
    with store.session() as session:
        return attention.reserve(session, team_id, user_id, send, clock.now(), zone, budget)


def mark_missed(store: Store, clock: Clock, checkin_id: int) -> Step | None:
    """Nobody answered the reminder: the check-in counts as missed (it can still be
    logged later)."""
    with store.session() as session:
        row = queries.with_deal_and_workspace(session, checkin_id, lock=True)
        if row is None or row[0].status != WAITING_FOR[MISS]:
            return None
        _close(session, row[0], CheckInStatus.MISSED, clock.now())
        return Step(*row)


def close_unreachable(store: Store, clock: Clock, checkin_id: int, kind: str) -> None:
    """The recipient is not a person Slack can reach (gone, or a bot)."""
    _end_step(store, clock, checkin_id, kind, CheckInStatus.CANCELLED)


def could_not_deliver(store: Store, clock: Clock, checkin_id: int, kind: str) -> None:
    """The step's due work failed for good: the check-in counts as missed."""
    _end_step(store, clock, checkin_id, kind, CheckInStatus.MISSED)


def _end_step(
    store: Store, clock: Clock, checkin_id: int, kind: str, status: CheckInStatus
) -> None:
    with store.session() as session:
        checkin = _waiting_for(session, checkin_id, kind)
        if checkin is not None:
            _close(session, checkin, status, clock.now())
        if kind == SEND:
            _release(session, checkin_id, clock.now())


# -- within a unit of work --------------------------------------------------------------


def _waiting_for(session: Session, checkin_id: int, kind: str) -> CheckIn | None:
    """The check-in, locked, if it still waits for this step: a step that was overtaken
    (snoozed, handed off, answered meanwhile) must leave it alone."""
    checkin = queries.checkin(session, checkin_id, lock=True)
    return checkin if checkin is not None and checkin.status == WAITING_FOR[kind] else None


def _answerable(session: Session, checkin_id: int, team_id: str, lock: bool = False) -> Step | None:
    """A check-in whose DM is out and still waiting for an answer (missed ones may
    still be logged: late is better than never)."""
    row = queries.with_deal_and_workspace(session, checkin_id, lock=lock)
    if row is None:
        return None
    if row[0].team_id != team_id or row[0].status not in ANSWERABLE:
        return None
    return Step(*row)


def _schedule(
    session: Session,
    checkin: CheckIn,
    kind: str,
    at: datetime,
    now: datetime,
    waited_for: bool = True,
) -> None:
    """The check-in's next step, replacing any step it was waiting for (none, for a
    check-in just made: `waited_for` False)."""
    if kind == SEND:
        checkin.status = CheckInStatus.PLANNED.value
        checkin.due_at = at
        if checkin.id is not None and checkin.sent_with == checkin.id:
            _release(session, checkin.id, now)
        checkin.sent_with = None
    checkin.updated_at = now
    if checkin.id is None:
        session.flush()
    elif waited_for:
        due.cancel_waiting(session, STEPS, [checkin.id])
    due.add(session, kind, checkin.team_id, at, now, subject_id=checkin.id)


def _release(session: Session, leader_id: int, now: datetime) -> None:
    """Check-ins gathered into a DM that will not go now go at their own time."""
    for checkin_id in queries.release_from_dm(session, leader_id):
        checkin = queries.existing_checkin(session, checkin_id, reread=True)
        _schedule(session, checkin, SEND, max(checkin.due_at or now, now), now)


def _close(session: Session, checkin: CheckIn, status: CheckInStatus, now: datetime) -> None:
    """Nothing more is due for this check-in."""
    checkin.status = status.value
    checkin.updated_at = now
    due.cancel_waiting(session, STEPS, [checkin.id])


def _close_all(session: Session, deal_id: int, status: CheckInStatus, now: datetime) -> None:
    ids = queries.close_open(session, deal_id, status, now)
    due.cancel_waiting(session, STEPS, ids)
