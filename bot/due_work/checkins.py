"""Check-in steps as due work: send the DM, remind once, mark it missed, and a week
after someone stepped in to help, offer that help as a story."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackClientError
from sqlalchemy.orm import Session

from bot.directory import Person
from bot.languages import speaking
from bot.runner import Done, Later
from bot.services import attention, checkins
from bot.services.cadence import WorkingHours, add_working_days, back_from_pause, when_to_nudge
from bot.services.checkins import ANSWER_WITHIN_WORKING_DAYS, MISS, REMIND, SEND, STORY_OFFER, Step
from bot.store.models import CheckInStatus
from bot.views.checkins import (
    checkin_missed,
    checkin_reminder,
    checkins_dm,
    help_story_offer,
    shared_dm_now,
)

from .work import Wiring, Work

log = logging.getLogger(__name__)
REMINDER_SEEN_BY = (CheckInStatus.SENT.value, CheckInStatus.REMINDED.value)


def register(wiring: Wiring) -> None:
    wiring.register(SEND, send, failed, taking=take_send)
    for kind, step in ((REMIND, remind), (MISS, miss)):
        wiring.register(kind, step, failed)
    wiring.register(STORY_OFFER, offer_story)


def take_send(work: Work, session: Session) -> checkins.Sending | str | None:
    """What `send` takes before it posts, taken in the claim's unit of work: None when
    the directory does not know the person yet (the send asks Slack, then takes it)."""
    attempt = (work.job.kind, work.job.send_key, not work.job.may_have_run_before)
    try:
        return checkins.taking_send(
            session, work.clock, _checkin_id(work), attempt, work.settings, _reach(work)
        )
    except checkins.NotKnown:
        return None


def send(work: Work) -> str | Done:
    """One DM for this check-in and the same person's others due soon after it: taken
    in one unit of work, posted, and recorded sent with the work's end, in another."""
    _ = work.delivery  # nothing for a workspace the app has left: it waits
    job, store, clock = work.job, work.store, work.clock
    attempt = (job.kind, job.send_key, not job.may_have_run_before)
    checkin_id = _checkin_id(work)
    taken = job.prepared if isinstance(job.prepared, checkins.Sending | str) else None
    try:
        if taken is None:
            taken = checkins.take_send(
                store, clock, checkin_id, attempt, work.settings, _reach(work)
            )
    except checkins.NotKnown as unknown:  # nothing was changed: ask Slack, then again
        asked = {unknown.user_id: work.person(unknown.user_id)}
        taken = checkins.take_send(
            store, clock, checkin_id, attempt, work.settings, _reach(work, asked)
        )
    if isinstance(taken, str):
        return taken
    recipient = taken.step.checkin.recipient_id
    with speaking(work.speaking_to(recipient)):
        drawn = checkins_dm(taken.carried)
    posted = work.post_once(recipient, drawn)
    remind_at = add_working_days(clock.now(), ANSWER_WITHIN_WORKING_DAYS, taken.hours)
    sent = [checkin.id for checkin, _ in taken.carried]
    where = (posted.channel, posted.ts)

    def record(session: Session) -> None:
        checkins.record_sent(session, clock.now(), sent, where, remind_at)

    return Done("" if len(sent) == 1 else f"sent with {len(sent) - 1} more in one DM", record)


def remind(work: Work) -> str | None:
    """One reminder per DM, however many check-ins it carries, while the week has room:
    the open check-in shown first in it (by id) posts it for all of them."""
    ready = _ready(work)
    if isinstance(ready, str):
        return ready
    step, hours, _ = ready
    checkin = step.checkin
    shown = checkins.in_same_dm(work.store, checkin)
    waiting = [deal for c, deal in shown if c.status in REMINDER_SEEN_BY]
    open_ids = [c.id for c, _ in shown if c.status in REMINDER_SEEN_BY]
    reminds = not open_ids or min(open_ids) == checkin.id
    post = reminds and bool(waiting) and work.reserve(checkin.recipient_id, hours.zone)
    if post and checkin.dm_channel and checkin.message_ts:
        with speaking(work.speaking_to(checkin.recipient_id)):
            reminder = checkin_reminder(*waiting)
        work.post_once(
            checkin.dm_channel,
            reminder,
            thread_ts=checkin.message_ts,
            broadcast=True,
        )
    miss_at = add_working_days(work.clock.now(), ANSWER_WITHIN_WORKING_DAYS, hours)
    checkins.mark_reminded(work.store, work.clock, checkin.id, miss_at)
    return None if post else "no reminder: another covers it, or the week's budget is spent"


def miss(work: Work) -> str | None:
    delivery = work.delivery
    step = checkins.mark_missed(work.store, work.clock, _checkin_id(work))
    if step is None:
        return "already answered"
    checkin = step.checkin
    if not (checkin.dm_channel and checkin.message_ts):
        return None
    shown = checkins.in_same_dm(work.store, checkin)
    with speaking(work.speaking_to(checkin.recipient_id)):
        drawn = (
            shared_dm_now(shown, checkin.recipient_id)
            if len(shown) > 1
            else checkin_missed(checkin, step.deal)
        )
    try:
        delivery.client.chat_update(channel=checkin.dm_channel, ts=checkin.message_ts, **drawn)
    except SlackClientError as error:
        log.warning("could not show check-in %s as missed: %s", checkin.id, error)
    return None


def offer_story(work: Work) -> str | None:
    """A week after someone stepped in, the owner is asked whether it's a story."""
    _ = work.delivery
    step = checkins.helped(work.store, _checkin_id(work))
    if step is None:
        return "nobody stepped in"
    owner = step.checkin.logged_by or step.checkin.recipient_id
    person = work.person(owner)
    if person is None:
        return "the owner is not reachable"
    hours = checkins.hours_for(step.chosen(work.settings), person.tz)
    now = work.clock.now()
    at = when_to_nudge(now, hours, person.profile)
    if at <= now and not work.reserve(owner, hours.zone):
        at = when_to_nudge(attention.next_week(now, hours.zone), hours, person.profile)
    if at > now:
        raise Later(at, "the owner can't hear from us now")
    with speaking(work.speaking_to(owner)):
        offer = help_story_offer(step.checkin, step.deal)
    work.post_once(owner, offer)
    return None


def _reach(work: Work, asked: Mapping[str, Person | None] | None = None) -> checkins.Reach:
    """Whom a step may message, as the directory knows them now or Slack was just
    `asked`; never a call to Slack, as it is asked inside a unit of work."""

    def reach(user_id: str) -> Person | None:
        if asked is not None and user_id in asked:
            return asked[user_id]
        person = work.directory.known(user_id)
        if person is None:
            raise checkins.NotKnown(user_id)
        return person if person.reachable else None

    return reach


def failed(work: Work, why: str) -> None:
    checkins.could_not_deliver(work.store, work.clock, _checkin_id(work), work.job.kind)


def _ready(work: Work) -> tuple[Step, WorkingHours, Mapping[str, Any]] | str:
    """The check-in and its recipient's working hours, when the step can be taken now.
    Otherwise why not: it moved on, or it waits (moved to when the recipient can hear
    from us)."""
    _ = work.delivery  # nothing for a workspace the app has left: it waits
    kind = work.job.kind
    step = checkins.step_to_take(work.store, _checkin_id(work), kind)
    if step is None:
        return "overtaken: the check-in moved on"
    checkin = step.checkin
    person = work.person(checkin.recipient_id)
    if person is None:
        checkins.close_unreachable(work.store, work.clock, checkin.id, kind)
        return "recipient is not reachable"
    hours = checkins.hours_for(step.chosen(work.settings), person.tz)
    now = work.clock.now()
    at = when_to_nudge(now, hours, person.profile)
    member = step.member
    if member is not None and member.paused_on(hours.local_date(now)):
        at = max(at, back_from_pause(member.paused_until, now, hours))
    if at > now:
        checkins.postpone(work.store, work.clock, checkin.id, kind, at)
        return f"postponed to {at.isoformat()}"
    return step, hours, person.profile


def _checkin_id(work: Work) -> int:
    job = work.job
    if job.subject_id is None:
        raise ValueError(f"{job.kind} {job.id} names no check-in")
    return job.subject_id
