"""Check-in steps as due work: send the DM, remind once, mark it missed."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackClientError

from bot.delivery import Deliveries, Delivery
from bot.deps import Deps
from bot.runner import Job, Later, Runner
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

from .outcomes import through_slack

log = logging.getLogger(__name__)
REMINDER_SEEN_BY = (CheckInStatus.SENT.value, CheckInStatus.REMINDED.value)


def register(runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
    steps = CheckinSteps(deps, deliveries)
    for kind, run in ((SEND, steps.send), (REMIND, steps.remind), (MISS, steps.miss)):
        runner.register(kind, through_slack(run, deps.clock), steps.failed)
    runner.register(STORY_OFFER, through_slack(steps.offer_story, deps.clock))


class CheckinSteps:
    def __init__(self, deps: Deps, deliveries: Deliveries) -> None:
        self.deps = deps
        self.deliveries = deliveries

    def send(self, job: Job) -> str | None:
        """One DM for this check-in and the same person's others due soon after it."""
        delivery = self.deliveries.to(job.team_id)
        ready = self._ready(job, delivery)
        if isinstance(ready, str):
            return ready
        step, hours, profile = ready
        store, clock = self.deps.store, self.deps.clock
        budget = self.deps.settings.max_messages_per_week
        send = (job.kind, job.send_key, not job.may_have_run_before)
        try:
            carried = checkins.gather(store, clock, step, send, hours.zone, budget)
        except checkins.NoRoom:
            at = when_to_nudge(attention.next_week(clock.now(), hours.zone), hours, profile)
            checkins.postpone(store, clock, step.checkin.id, SEND, at)
            return f"postponed to {at.isoformat()}: the week's messages are spent"
        if not carried:
            return "overtaken: the check-in moved on"
        posted = delivery.post_once(
            step.checkin.recipient_id,
            job.send_key,
            checkins_dm(carried),
            since=job.earlier_attempts_since,
        )
        remind_at = add_working_days(clock.now(), ANSWER_WITHIN_WORKING_DAYS, hours)
        sent = [checkin.id for checkin, _ in carried]
        checkins.mark_sent(store, clock, sent, (posted.channel, posted.ts), remind_at)
        return None if len(sent) == 1 else f"sent with {len(sent) - 1} more in one DM"

    def remind(self, job: Job) -> str | None:
        """One reminder per DM, however many check-ins it carries, while the week has
        room: the open check-in shown first in it (by id) posts it for all of them."""
        delivery = self.deliveries.to(job.team_id)
        ready = self._ready(job, delivery)
        if isinstance(ready, str):
            return ready
        step, hours, _ = ready
        checkin = step.checkin
        shown = checkins.in_same_dm(self.deps.store, checkin)
        waiting = [deal for c, deal in shown if c.status in REMINDER_SEEN_BY]
        open_ids = [c.id for c, _ in shown if c.status in REMINDER_SEEN_BY]
        reminds = not open_ids or min(open_ids) == checkin.id
        post = (
            reminds
            and bool(waiting)
            and self._reserve(job, checkin.team_id, checkin.recipient_id, hours)
        )
        if post and checkin.dm_channel and checkin.message_ts:
            delivery.post_once(
                checkin.dm_channel,
                job.send_key,
                checkin_reminder(*waiting),
                since=job.earlier_attempts_since,
                thread_ts=checkin.message_ts,
                broadcast=True,
            )
        miss_at = add_working_days(self.deps.clock.now(), ANSWER_WITHIN_WORKING_DAYS, hours)
        checkins.mark_reminded(self.deps.store, self.deps.clock, checkin.id, miss_at)
        return None if post else "no reminder: another covers it, or the week's budget is spent"

    def miss(self, job: Job) -> str | None:
        delivery = self.deliveries.to(job.team_id)
        step = checkins.mark_missed(self.deps.store, self.deps.clock, _checkin_id(job))
        if step is None:
            return "already answered"
        checkin = step.checkin
        if checkin.dm_channel and checkin.message_ts:
            shown = checkins.in_same_dm(self.deps.store, checkin)
            drawn = (
                shared_dm_now(shown, checkin.recipient_id)
                if len(shown) > 1
                else checkin_missed(checkin, step.deal)
            )
            try:
                delivery.client.chat_update(
                    channel=checkin.dm_channel, ts=checkin.message_ts, **drawn
                )
            except SlackClientError as error:
                log.warning("could not show check-in %s as missed: %s", checkin.id, error)
        return None

    def offer_story(self, job: Job) -> str | None:
        """A week after someone stepped in, the owner is asked whether it's a story."""
        delivery = self.deliveries.to(job.team_id)
        step = checkins.helped(self.deps.store, _checkin_id(job))
        if step is None:
            return "nobody stepped in"
        owner = step.checkin.logged_by or step.checkin.recipient_id
        person = self.deps.directory.person(delivery.client, owner)
        if person is None or not person.reachable:
            return "the owner is not reachable"
        hours = step.policy(self.deps.settings).hours_for(person.tz)
        now = self.deps.clock.now()
        at = when_to_nudge(now, hours, person.profile)
        if at <= now and not self._reserve(job, step.checkin.team_id, owner, hours):
            at = when_to_nudge(attention.next_week(now, hours.zone), hours, person.profile)
        if at > now:
            raise Later(at, "the owner can't hear from us now")
        delivery.post_once(
            owner,
            job.send_key,
            help_story_offer(step.checkin, step.deal),
            since=job.earlier_attempts_since,
        )
        return None

    def failed(self, job: Job, why: str) -> None:
        checkins.could_not_deliver(self.deps.store, self.deps.clock, _checkin_id(job), job.kind)

    def _ready(
        self, job: Job, delivery: Delivery
    ) -> tuple[Step, WorkingHours, Mapping[str, Any]] | str:
        """The check-in and its recipient's working hours, when the step can be taken
        now. Otherwise why not: it moved on, or it waits (moved to when the recipient
        can hear from us)."""
        step = checkins.step_to_take(self.deps.store, _checkin_id(job), job.kind)
        if step is None:
            return "overtaken: the check-in moved on"
        checkin = step.checkin
        person = self.deps.directory.person(delivery.client, checkin.recipient_id)
        if person is None or not person.reachable:
            checkins.close_unreachable(self.deps.store, self.deps.clock, checkin.id, job.kind)
            return "recipient is not reachable"
        hours = step.policy(self.deps.settings).hours_for(person.tz)
        now = self.deps.clock.now()
        at = when_to_nudge(now, hours, person.profile)
        member = step.member
        if member is not None and member.paused_on(hours.local_date(now)):
            at = max(at, back_from_pause(member.paused_until, now, hours))
        if at > now:
            checkins.postpone(self.deps.store, self.deps.clock, checkin.id, job.kind, at)
            return f"postponed to {at.isoformat()}"
        return step, hours, person.profile

    def _reserve(self, job: Job, team_id: str, user_id: str, hours: WorkingHours) -> bool:
        """One of the person's messages this week, taken for this send if there's room."""
        budget = self.deps.settings.max_messages_per_week
        send = (job.kind, job.send_key)
        store, clock = self.deps.store, self.deps.clock
        return checkins.reserve_message(store, clock, (team_id, user_id), send, hours.zone, budget)


def _checkin_id(job: Job) -> int:
    if job.subject_id is None:
        raise ValueError(f"{job.kind} {job.id} names no check-in")
    return job.subject_id
